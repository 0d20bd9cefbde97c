import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';

const MAX_TEXT_PART_BYTES = 64 * 1024;

/** Leaves multipart bodies unread so busboy can stream the raw request. */
export function acceptRawMultipart(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
}

export interface MultipartHandlers {
  onField(name: string, value: string): void;
  onFile(name: string, stream: Readable): Promise<void>;
}

/** Runs busboy over the raw request; settles when every part has been handled. */
export function parseMultipart(request: FastifyRequest, maxFileSizeBytes: number, handlers: MultipartHandlers, tooLarge: () => AppError = () => new AppError('payload_too_large')): Promise<void> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fileSize: maxFileSizeBytes + 1, fieldSize: MAX_TEXT_PART_BYTES, files: 3, fields: 20, parts: 25 },
      });
    } catch {
      reject(new AppError('validation_failed', 'Malformed multipart body', { fields: { file: 'required' } }));
      return;
    }
    const pending: Promise<void>[] = [];
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      request.raw.unpipe(parser);
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new AppError('validation_failed', `The ${name} part is too large`, { fields: { [name]: 'too large' } }));
      handlers.onField(name, value);
    });
    parser.on('file', (name, stream, info) => {
      if (name === 'metadata' || (name !== 'file' && info.mimeType === 'application/json')) {
        pending.push(readText(stream).then((text) => handlers.onField(name, text)).catch(fail));
        return;
      }
      stream.on('limit', () => stream.destroy(tooLarge()));
      pending.push(handlers.onFile(name, stream).catch(fail));
    });
    parser.on('error', () => fail(new AppError('validation_failed', 'Malformed multipart body')));
    parser.on('close', () => {
      Promise.all(pending).then(() => (failed ? undefined : resolve()), fail);
    });
    request.raw.on('error', () => fail(new AppError('validation_failed', 'The upload was interrupted')));
    request.raw.pipe(parser);
  });
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

