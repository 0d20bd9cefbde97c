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

/** Room for text parts and multipart framing: a whole body may carry the file's limit plus this. */
export const REQUEST_OVERHEAD_BYTES = 5 * 1024 * 1024;

/** The most bytes a multipart body may carry in all (preamble and epilogue included) for a file of this limit. */
export const requestLimitFor = (maxFileSizeBytes: number) => maxFileSizeBytes + REQUEST_OVERHEAD_BYTES;

/**
 * Counts every byte of the raw body against `limit`, wherever it falls: a
 * preamble before the first boundary, a part without a name and the epilogue
 * after the last reach no handler, so no part's own limit would see them,
 * and a chunked body has no Content-Length to refuse up front.
 */
export function countBodyBytes(body: Readable, limit: number, onOver: () => void): void {
  let received = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= limit) return;
    body.off('data', onData);
    onOver();
  };
  body.on('data', onData);
}

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
export async function readText(
  stream: Readable,
  tooLarge: () => AppError = () =>
    new AppError('validation_failed', 'The metadata part is too large', { fields: { metadata: 'too large' } }),
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MULTIPART_LIMITS.fieldSize) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
