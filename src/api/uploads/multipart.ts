import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { fileTooLarge } from '../../errors/size-limit.ts';
import { parseWithBusboy } from './busboy-multipart.ts';
import {
  MULTIPART_LIMITS,
  countBodyBytes,
  interrupted,
  isTextFilePart,
  noBoundary,
  readText,
  requestLimitFor,
  type MultipartHandlers,
} from './multipart-contract.ts';
import { MultipartError, MultipartParser, multipartBoundary } from './multipart-parser.ts';

export type { MultipartHandlers } from './multipart-contract.ts';

/** Leaves multipart bodies unread so `parseMultipart` can stream the raw request. */
export function acceptRawMultipart(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
}

/**
 * The parser behind `parseMultipart`: `native` is the hand-written one
 * (multipart-parser.ts), `busboy` the busboy-backed one (busboy-multipart.ts),
 * with the same contract. Nothing in the application switches it: only the
 * side-by-side upload bench does, in its own server entry
 * (test/bench/scryon-server.ts, from SCRYON_BENCH_MULTIPART_ENGINE), and the
 * engine tests. See docs/performance-multipart.md.
 */
export type MultipartEngine = 'native' | 'busboy';

let engine: MultipartEngine = 'native';

export function setMultipartEngine(next: MultipartEngine): void {
  engine = next;
}

export function multipartEngine(): MultipartEngine {
  return engine;
}

/** Parses the raw request; settles when every part has been handled. */
export function parseMultipart(
  request: FastifyRequest,
  maxFileSizeBytes: number,
  handlers: MultipartHandlers,
  tooLarge: () => AppError = () => fileTooLarge(maxFileSizeBytes),
): Promise<void> {
  const boundary = multipartBoundary(request.headers['content-type']);
  if (!boundary) return Promise.reject(noBoundary());
  const parse = engine === 'busboy' ? parseWithBusboy : parseWithNativeParser;
  return parse(request, boundary, maxFileSizeBytes, handlers, tooLarge);
}

function parseWithNativeParser(
  request: FastifyRequest,
  boundary: string,
  maxFileSizeBytes: number,
  handlers: MultipartHandlers,
  tooLarge: () => AppError,
): Promise<void> {
  return new Promise((resolve, reject) => {
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
      limits: { ...MULTIPART_LIMITS, fileSize: maxFileSizeBytes },
      onField: (name, value) => handlers.onField(name, value),
      onFile: (name, stream, info) => {
        const handled = isTextFilePart(name, info.mimeType)
          ? readText(stream).then((text) => handlers.onField(name, text))
          : handlers.onFile(name, stream);
        pending.push(handled.catch(fail));
      },
    });
    parser.on('error', (error) => fail(toAppError(error, tooLarge)));
    parser.on('finish', () => {
      Promise.all(pending).then(() => (failed ? undefined : resolve()), fail);
    });
    request.raw.on('error', () => fail(interrupted()));
    // Before the pipe's own listener, so a chunk over the limit never reaches the parser.
    countBodyBytes(request.raw, requestLimitFor(maxFileSizeBytes), () => fail(tooLarge()));
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

export async function drain(stream: Readable): Promise<void> {
  for await (const _chunk of stream) {
    // Unknown file parts are read and discarded so the parser can move on.
  }
}
