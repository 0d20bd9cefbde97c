import { Readable, Writable } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
/** Parser and file-part buffers: large enough that a socket chunk never pauses the request on its own. */
const STREAM_BUFFER_BYTES = 1024 * 1024;

export interface MultipartLimits {
  /** Largest file part in bytes; one byte more fails the parse with `file_too_large`. */
  fileSize: number;
  /** Largest text field in bytes; one byte more fails the parse with `field_too_large`. */
  fieldSize: number;
  files: number;
  parts: number;
  /** Largest header block of one part. */
  headerSize: number;
}

export interface PartInfo {
  name: string;
  filename: string | undefined;
  mimeType: string;
}

export interface MultipartParserOptions {
  boundary: string;
  limits: MultipartLimits;
  /** A part without a filename, decoded as UTF-8, once it is complete. */
  onField(name: string, value: string, info: PartInfo): void;
  /** A part with a filename, as a stream of its bytes; the handler must consume or destroy it. */
  onFile(name: string, stream: Readable, info: PartInfo): void;
}

export type MultipartFailure = 'malformed' | 'file_too_large' | 'field_too_large' | 'too_many_parts';

export class MultipartError extends Error {
  readonly failure: MultipartFailure;
  /** The part the failure concerns, when there is one. */
  readonly partName: string | undefined;

  constructor(failure: MultipartFailure, message: string, partName?: string) {
    super(message);
    this.name = 'MultipartError';
    this.failure = failure;
    this.partName = partName;
  }
}

/**
 * A file part's bytes. `_read` is the consumer asking for more: it resumes a
 * parser waiting on it, or is remembered for the next wait (a consumer may
 * drain the buffer before the parser starts waiting).
 */
class FilePartStream extends Readable {
  #onDemand: (() => void) | undefined;
  #demanded = false;

  constructor() {
    super({ highWaterMark: STREAM_BUFFER_BYTES });
    // A broken body is reported once, by the parse itself. A consumer that has
    // already let go of its part (refused it, or read what it needed) must not
    // have the part's copy of that error crash the process.
    this.on('error', () => undefined);
  }

  /** Pushes bytes; false when the consumer has fallen a buffer behind. */
  deliver(bytes: Buffer): boolean {
    this.#demanded = false;
    return this.push(bytes);
  }

  awaitDemand(resume: () => void): void {
    if (!this.#demanded) {
      this.#onDemand = resume;
      return;
    }
    this.#demanded = false;
    resume();
  }

  override _read(): void {
    const resume = this.#onDemand;
    this.#onDemand = undefined;
    if (resume) resume();
    else this.#demanded = true;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A consumer that gives up must not leave the parser waiting for it.
    this._read();
    callback(error);
  }
}

type OpenPart =
  | { kind: 'skipped' }
  | { kind: 'field'; name: string; info: PartInfo; chunks: Buffer[]; size: number }
  | { kind: 'file'; name: string; stream: FilePartStream; size: number };

type State = 'body' | 'after-boundary' | 'headers' | 'done';

/**
 * A streaming multipart/form-data parser (RFC 7578). Boundaries are found with
 * `Buffer.indexOf`, which runs natively: on a large upload this parser costs a
 * fraction of a JavaScript byte scanner, so the request streams at close to
 * socket speed. File parts are Readables with backpressure: the parser does
 * not accept the next chunk until a lagging file consumer asks for more.
 */
export class MultipartParser extends Writable {
  readonly #delimiter: Buffer;
  readonly #options: MultipartParserOptions;
  #state: State = 'body';
  /** Unconsumed bytes of the previous chunk; starts as a virtual CRLF so the first boundary looks like every other. */
  #carry: Buffer | undefined = CRLF;
  #part: OpenPart = { kind: 'skipped' };
  #parts = 0;
  #files = 0;
  #lagging: FilePartStream | undefined;

  constructor(options: MultipartParserOptions) {
    super({ highWaterMark: STREAM_BUFFER_BYTES });
    this.#options = options;
    this.#delimiter = Buffer.from(`\r\n--${options.boundary}`, 'latin1');
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const data = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = undefined;
    try {
      this.#consume(data);
    } catch (error) {
      callback(error as Error);
      return;
    }
    const lagging = this.#lagging;
    this.#lagging = undefined;
    if (lagging && !lagging.destroyed) lagging.awaitDemand(() => callback());
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback(
      this.#state === 'done'
        ? null
        : new MultipartError('malformed', 'The multipart body ended before its closing boundary'),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const part = this.#part;
    if (part.kind === 'file' && !part.stream.readableEnded)
      part.stream.destroy(error ?? new MultipartError('malformed', 'The multipart body was abandoned'));
    callback(error);
  }

  #consume(data: Buffer): void {
    let position = 0;
    while (position < data.length && this.#state !== 'done') {
      if (this.#state === 'body') position = this.#readBody(data, position);
      else if (this.#state === 'after-boundary') position = this.#readBoundaryEnd(data, position);
      else position = this.#readHeaders(data, position);
    }
  }

  /** Part content up to the next delimiter; a possible delimiter prefix at the end waits for the next chunk. */
  #readBody(data: Buffer, position: number): number {
    const delimiter = this.#delimiter;
    const at = data.indexOf(delimiter, position);
    if (at >= 0) {
      this.#append(data.subarray(position, at));
      this.#closePart();
      this.#state = 'after-boundary';
      return at + delimiter.length;
    }
    const keep = partialDelimiterStart(data, Math.max(position, data.length - delimiter.length + 1), delimiter);
    this.#append(data.subarray(position, keep));
    this.#keep(data, keep);
    return data.length;
  }

  /** After a delimiter: `--` closes the body, CRLF (after optional padding) opens the next part. */
  #readBoundaryEnd(data: Buffer, position: number): number {
    let cursor = position;
    while (cursor < data.length && (data[cursor] === 0x20 || data[cursor] === 0x09)) cursor += 1;
    if (data.length - cursor < 2) {
      if (cursor - position > 256) throw new MultipartError('malformed', 'Malformed multipart boundary');
      this.#keep(data, position);
      return data.length;
    }
    if (cursor === position && data[cursor] === DASH && data[cursor + 1] === DASH) {
      this.#state = 'done';
      return data.length;
    }
    if (data[cursor] !== CR || data[cursor + 1] !== LF)
      throw new MultipartError('malformed', 'Malformed multipart boundary');
    this.#state = 'headers';
    return cursor + 2;
  }

  #readHeaders(data: Buffer, position: number): number {
    if (data.length - position < 2) {
      this.#keep(data, position);
      return data.length;
    }
    const empty = data[position] === CR && data[position + 1] === LF;
    const end = empty ? position : data.indexOf(HEADER_END, position);
    const headerBytes = end < 0 ? data.length - position : end - position;
    if (headerBytes > this.#options.limits.headerSize)
      throw new MultipartError('malformed', 'A multipart part has oversized headers');
    if (end < 0) {
      this.#keep(data, position);
      return data.length;
    }
    this.#openPart(data.toString('utf8', position, end));
    this.#state = 'body';
    return end + (empty ? 2 : 4);
  }

  #keep(data: Buffer, from: number): void {
    if (from < data.length) this.#carry = data.subarray(from);
  }

  #openPart(headerBlock: string): void {
    const { limits } = this.#options;
    this.#parts += 1;
    if (this.#parts > limits.parts)
      throw new MultipartError('too_many_parts', `At most ${limits.parts} parts are accepted`);
    const headers = parseHeaderBlock(headerBlock);
    const disposition = parseDisposition(headers.get('content-disposition'));
    const name = disposition?.params.get('name');
    if (disposition?.type !== 'form-data' || name === undefined) {
      this.#part = { kind: 'skipped' };
      return;
    }
    const filename = decodeExtendedValue(disposition.params.get('filename*')) ?? disposition.params.get('filename');
    const declaredType = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    const info: PartInfo = {
      name,
      filename,
      mimeType: declaredType || (filename === undefined ? 'text/plain' : 'application/octet-stream'),
    };
    if (filename === undefined) {
      this.#part = { kind: 'field', name, info, chunks: [], size: 0 };
      return;
    }
    this.#files += 1;
    if (this.#files > limits.files)
      throw new MultipartError('too_many_parts', `At most ${limits.files} files are accepted`);
    const stream = new FilePartStream();
    this.#part = { kind: 'file', name, stream, size: 0 };
    this.#options.onFile(name, stream, info);
  }

  #append(bytes: Buffer): void {
    const part = this.#part;
    if (bytes.length === 0 || part.kind === 'skipped') return;
    part.size += bytes.length;
    if (part.kind === 'field') {
      if (part.size > this.#options.limits.fieldSize)
        throw new MultipartError('field_too_large', `The ${part.name} part is too large`, part.name);
      part.chunks.push(Buffer.from(bytes));
      return;
    }
    if (part.size > this.#options.limits.fileSize)
      throw new MultipartError('file_too_large', `The ${part.name} file is too large`, part.name);
    if (part.stream.destroyed) return;
    if (!part.stream.deliver(bytes)) this.#lagging = part.stream;
  }

  #closePart(): void {
    const part = this.#part;
    this.#part = { kind: 'skipped' };
    if (part.kind === 'field')
      this.#options.onField(part.name, Buffer.concat(part.chunks, part.size).toString('utf8'), part.info);
    if (part.kind !== 'file') return;
    // An ended part takes no more bytes, so its buffer can only shrink: no need to wait for it.
    if (this.#lagging === part.stream) this.#lagging = undefined;
    if (!part.stream.destroyed) part.stream.push(null);
  }
}

/** Where a prefix of `delimiter` starts among the last bytes of `data` (from `from`), or `data.length`. */
function partialDelimiterStart(data: Buffer, from: number, delimiter: Buffer): number {
  for (let at = data.indexOf(CR, from); at >= 0; at = data.indexOf(CR, at + 1)) {
    if (data.subarray(at).equals(delimiter.subarray(0, data.length - at))) return at;
  }
  return data.length;
}

function parseHeaderBlock(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

const PARAMETER = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;

function parseDisposition(value: string | undefined): { type: string; params: Map<string, string> } | undefined {
  if (!value) return undefined;
  const semicolon = value.indexOf(';');
  const type = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params = new Map<string, string>();
  for (const [, key, raw] of value.matchAll(PARAMETER)) {
    const trimmed = raw!.trim();
    const unquoted = trimmed.startsWith('"') ? trimmed.slice(1, -1).replace(/\\(.)/g, '$1') : trimmed;
    params.set(key!.toLowerCase(), unquoted);
  }
  return { type, params };
}

/** RFC 8187 `charset'language'percent-encoded`, as browsers send `filename*`. */
function decodeExtendedValue(value: string | undefined): string | undefined {
  const match = value ? /^([\w!#$&+.^`|~-]+)'[^']*'(.*)$/.exec(value) : null;
  if (!match) return undefined;
  const bytes = Buffer.from(
    match[2]!.replace(/%([0-9a-f]{2})/gi, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
  return match[1]!.toLowerCase() === 'utf-8' ? bytes.toString('utf8') : bytes.toString('latin1');
}

/** The boundary of a multipart/form-data content type, or undefined when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}
