import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { MultipartError, MultipartParser, multipartBoundary } from './multipart-parser.ts';

const MAX_TEXT_PART_BYTES = 64 * 1024;
const MAX_PART_HEADER_BYTES = 16 * 1024;

/** Leaves multipart bodies unread so `parseMultipart` can stream the raw request. */
export function acceptRawMultipart(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
}

export interface MultipartHandlers {
  onField(name: string, value: string): void;
  onFile(name: string, stream: Readable): Promise<void>;
}

/** Parses the raw request; settles when every part has been handled. */
export function parseMultipart(request: FastifyRequest, maxFileSizeBytes: number, handlers: MultipartHandlers, tooLarge: () => AppError = () => new AppError('payload_too_large')): Promise<void> {
  return new Promise((resolve, reject) => {
    const boundary = multipartBoundary(request.headers['content-type']);
    if (!boundary) {
      reject(new AppError('validation_failed', 'Malformed multipart body', { fields: { file: 'required' } }));
      return;
    }
    const pending: Promise<void>[] = [];
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      request.raw.unpipe(parser);
      parser.destroy(error instanceof Error ? error : undefined);
      reject(error);
    };
    const parser = new MultipartParser({
      boundary,
      limits: { fileSize: maxFileSizeBytes, fieldSize: MAX_TEXT_PART_BYTES, files: 3, parts: 25, headerSize: MAX_PART_HEADER_BYTES },
      onField: (name, value) => handlers.onField(name, value),
      onFile: (name, stream, info) => {
        const handled = name === 'metadata' || (name !== 'file' && info.mimeType === 'application/json') ? readText(stream).then((text) => handlers.onField(name, text)) : handlers.onFile(name, stream);
        pending.push(handled.catch(fail));
      },
    });
    parser.on('error', (error) => fail(toAppError(error, tooLarge)));
    parser.on('finish', () => {
      Promise.all(pending).then(() => (failed ? undefined : resolve()), fail);
    });
    request.raw.on('error', () => fail(new AppError('validation_failed', 'The upload was interrupted')));
    request.raw.pipe(parser);
  });
}

function toAppError(error: Error, tooLarge: () => AppError): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof MultipartError)) return new AppError('validation_failed', 'Malformed multipart body');
  switch (error.failure) {
    case 'file_too_large':
      return tooLarge();
    case 'field_too_large':
      return new AppError('validation_failed', error.message, { fields: { [error.partName ?? 'body']: 'too large' } });
    default:
      return new AppError('validation_failed', error.message);
  }
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_TEXT_PART_BYTES) throw new AppError('validation_failed', 'The metadata part is too large', { fields: { metadata: 'too large' } });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function drain(stream: Readable): Promise<void> {
  for await (const _chunk of stream) {
    // Unknown file parts are read and discarded so the parser can move on.
  }
}

