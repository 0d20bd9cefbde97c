import { Readable } from 'node:stream';
import busboy from 'busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { fileTooLarge } from '../../errors/size-limit.ts';
import {
  MULTIPART_LIMITS,
  PART_BUFFER_BYTES,
  countBodyBytes,
  fieldTooLarge,
  interrupted,
  isTextFilePart,
  noBoundary,
  readText,
  requestLimitFor,
  type MultipartHandlers,
} from './multipart-contract.ts';

export type { MultipartHandlers } from './multipart-contract.ts';

/** Leaves multipart bodies unread so `parseMultipart` can stream the raw request. */
export function acceptRawMultipart(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
}

/** Parses the raw request with busboy; settles when every part has been handled. */
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

/**
 * The boundary of a multipart/form-data content type; undefined for any other type or a missing or invalid boundary.
 */
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

/**
 * `parseMultipart` on busboy, with the contract of multipart-contract.ts:
 * its limits, errors and settling. Busboy's own behaviour differs in places,
 * so this adapts it:
 *
 * - busboy truncates at a size limit and carries on; here one byte over the
 *   file or text limit fails the parse (its limits are set one byte higher,
 *   since busboy flags a part that reaches its limit exactly);
 * - busboy calls a part without a filename but typed application/octet-stream
 *   a file; here only a filename makes a file;
 * - busboy waits, before it finishes, for every file stream to be read to its
 *   end, and stalls for good on one its consumer destroys; here a consumer
 *   gets its own stream (`BusboyFilePart`), and the part behind one it gives
 *   up on is read on and discarded, so the parse goes on.
 *
 * Its header limit is busboy's own (16 KB, as MULTIPART_LIMITS.headerSize).
 */
function parseWithBusboy(
  request: FastifyRequest,
  boundary: string,
  maxFileSizeBytes: number,
  handlers: MultipartHandlers,
  tooLarge: () => AppError,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const pending: Promise<void>[] = [];
    const open = new Set<BusboyFilePart>();
    let failed = false;
    let parts = 0;
    let files = 0;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      request.raw.unpipe(parser);
      const reason = error instanceof Error ? error : new AppError('validation_failed', 'Malformed multipart body');
      for (const part of open) part.destroy(reason);
      parser.destroy(reason);
      reject(error);
    };
    /** Counts a part busboy hands out; false (and the parse failed) past the limit. */
    const admit = () => {
      parts += 1;
      if (parts <= MULTIPART_LIMITS.parts) return true;
      fail(new AppError('validation_failed', `At most ${MULTIPART_LIMITS.parts} parts are accepted`));
      return false;
    };
    const parser = busboy({
      // The boundary as `parseMultipart` validated it: one reading of the content type.
      headers: { 'content-type': `multipart/form-data; boundary="${boundary.replace(/[\\"]/g, '\\$&')}"` },
      limits: {
        fileSize: maxFileSizeBytes + 1,
        fieldSize: MULTIPART_LIMITS.fieldSize + 1,
        parts: MULTIPART_LIMITS.parts + 1,
      },
      highWaterMark: PART_BUFFER_BYTES,
      defParamCharset: 'utf8',
      preservePath: true,
    });

    parser.on('field', (name: string | undefined, value: string, info: busboy.FieldInfo) => {
      if (failed || !admit() || name === undefined) return;
      if (info.valueTruncated) return fail(fieldTooLarge(name));
      try {
        handlers.onField(name, value);
      } catch (error) {
        fail(error);
      }
    });

    parser.on('file', (name: string | undefined, source: Readable, info: busboy.FileInfo) => {
      if (failed || !admit() || name === undefined) {
        discard(source);
        return;
      }
      if (info.filename === undefined) {
        // An application/octet-stream part without a filename: a text field.
        pending.push(
          readText(source, () => fieldTooLarge(name))
            .then((text) => handlers.onField(name, text))
            .catch(fail),
        );
        return;
      }
      files += 1;
      if (files > MULTIPART_LIMITS.files) {
        discard(source);
        fail(new AppError('validation_failed', `At most ${MULTIPART_LIMITS.files} files are accepted`));
        return;
      }
      const part = new BusboyFilePart(source, maxFileSizeBytes, () => fail(tooLarge()));
      open.add(part);
      part.once('close', () => open.delete(part));
      try {
        const handled = isTextFilePart(name, info.mimeType)
          ? readText(part).then((text) => handlers.onField(name, text))
          : handlers.onFile(name, part);
        pending.push(handled.catch(fail));
      } catch (error) {
        fail(error);
      }
    });

    parser.on('partsLimit', () =>
      fail(new AppError('validation_failed', `At most ${MULTIPART_LIMITS.parts} parts are accepted`)),
    );
    parser.on('error', (error: Error) => fail(fromBusboy(error)));
    parser.on('finish', () => {
      Promise.all(pending).then(() => (failed ? undefined : resolve()), fail);
    });
    request.raw.on('error', () => fail(interrupted()));
    // Before the pipe's own listener, so a chunk over the limit never reaches the parser.
    countBodyBytes(request.raw, requestLimitFor(maxFileSizeBytes), () => fail(tooLarge()));
    request.raw.pipe(parser);
  });
}

/** A part nobody reads: busboy goes on once it has ended, and destroys it (with an error) if the parse fails first. */
function discard(source: Readable): void {
  source.on('error', () => undefined).resume();
}

/** Busboy's errors are plain `Error`s; these are the messages it has for a bad body. */
function fromBusboy(error: Error): AppError {
  if (error instanceof AppError) return error;
  switch (error.message) {
    case 'Unexpected end of form':
    case 'Unexpected end of file':
      return new AppError('validation_failed', 'The multipart body ended before its closing boundary');
    case 'Malformed part header':
      return new AppError('validation_failed', 'A multipart part has malformed or oversized headers');
    default:
      return new AppError('validation_failed', 'Malformed multipart body');
  }
}

/**
 * A file part as its consumer reads it. Busboy's stream behind it flows, and
 * pauses only while this one's buffer is full, which holds busboy (and so the
 * request) until the consumer reads: at most about a buffer of the file waits
 * in memory. Chunks pass through uncopied.
 */
class BusboyFilePart extends Readable {
  readonly #source: Readable;

  constructor(source: Readable, maxBytes: number, tooLarge: () => void) {
    super({ highWaterMark: PART_BUFFER_BYTES });
    this.#source = source;
    // A failed parse destroys the open part with its error: never
    // an unhandled 'error' event, whoever reads it (or not).
    this.on('error', () => undefined);
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      // A destroyed part: its consumer gave up, and the rest of it is discarded.
      if (this.destroyed) return;
      size += chunk.length;
      // Checked before the chunk is passed on, so a consumer never sees more than the limit.
      if (size > maxBytes) return tooLarge();
      if (!this.push(chunk)) source.pause();
    });
    source.once('end', () => {
      if (!this.destroyed) this.push(null);
    });
    source.on('error', (error: Error) => this.destroy(fromBusboy(error)));
  }

  override _read(): void {
    if (this.#source.isPaused()) this.#source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Busboy finishes only once each of its file streams has ended: read on, to nowhere.
    this.#source.resume();
    callback(error);
  }
}
