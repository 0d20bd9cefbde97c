import type { Readable } from 'node:stream';
import { AppError } from '../../errors/app-error.ts';

/**
 * What `parseMultipart` promises whichever parser runs underneath: the limits,
 * how a part is handed out, and the errors a bad body gets.
 */
export const MULTIPART_LIMITS = {
  /** Largest text part, a field or a JSON file part read as text. */
  fieldSize: 64 * 1024,
  files: 3,
  parts: 25,
  /** Largest header block of one part. */
  headerSize: 16 * 1024,
} as const;

/** A file part's buffer: large enough that a socket chunk never pauses the request on its own. */
export const PART_BUFFER_BYTES = 1024 * 1024;

export interface MultipartHandlers {
  onField(name: string, value: string): void;
  onFile(name: string, stream: Readable): Promise<void>;
}

/** A file part that is read as text and handed out as a field: the metadata part, or any JSON part but `file`. */
export function isTextFilePart(name: string, mimeType: string): boolean {
  return name === 'metadata' || (name !== 'file' && mimeType === 'application/json');
}

export function noBoundary(): AppError {
  return new AppError('validation_failed', 'Malformed multipart body', { fields: { file: 'required' } });
}

export function interrupted(): AppError {
  return new AppError('validation_failed', 'The upload was interrupted');
}

export function fieldTooLarge(name: string): AppError {
  return new AppError('validation_failed', `The ${name} part is too large`, { fields: { [name]: 'too large' } });
}

/** A text file part, up to the text limit; `tooLarge` is what one byte more fails with. */
export async function readText(stream: Readable, tooLarge: () => AppError = () => new AppError('validation_failed', 'The metadata part is too large', { fields: { metadata: 'too large' } })): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MULTIPART_LIMITS.fieldSize) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
