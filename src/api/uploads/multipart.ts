import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppError } from '../../errors/app-error.ts';
import { fileTooLarge } from '../../errors/size-limit.ts';
import { parseWithBusboy } from './busboy-multipart.ts';
import { noBoundary, type MultipartHandlers } from './multipart-contract.ts';

export type { MultipartHandlers } from './multipart-contract.ts';

/** Leaves multipart bodies unread so `parseMultipart` can stream the raw request. */
export function acceptRawMultipart(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
}

/** Parses the raw request with busboy (busboy-multipart.ts); settles when every part has been handled. */
export function parseMultipart(
  request: FastifyRequest,
  maxFileSizeBytes: number,
  handlers: MultipartHandlers,
  tooLarge: () => AppError = () => fileTooLarge(maxFileSizeBytes),
): Promise<void> {
  const boundary = multipartBoundary(request.headers['content-type']);
  if (!boundary) return Promise.reject(noBoundary());
  return parseWithBusboy(request, boundary, maxFileSizeBytes, handlers, tooLarge);
}

/** The boundary of a multipart/form-data content type; undefined for any other type or a missing or invalid boundary. */
function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export async function drain(stream: Readable): Promise<void> {
  for await (const _chunk of stream) {
    // Unknown file parts are read and discarded so the parser can move on.
  }
}
