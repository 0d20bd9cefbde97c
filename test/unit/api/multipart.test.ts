import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { parseMultipart, type MultipartHandlers } from '../../../src/api/uploads/multipart.ts';
import { AppError } from '../../../src/errors/app-error.ts';

// What `parseMultipart` promises every upload route: raw bodies in, fields,
// file streams and documented errors out.

const BOUNDARY = '----scryon7MA4YWxkTrZu0gW';
const MAX_FILE = 1 << 20;
/** The file-part buffer the parser keeps to (it may overshoot by one incoming chunk). */
const FILE_PART_BUFFER_BYTES = 1024 * 1024;
const TEXT_LIMIT = 64 * 1024;

function request(body: Buffer[] | Readable, contentType = `multipart/form-data; boundary=${BOUNDARY}`): FastifyRequest {
  const raw = body instanceof Readable ? body : Readable.from(body);
  return { headers: { 'content-type': contentType }, raw } as unknown as FastifyRequest;
}

function part(headers: string, body: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`--${BOUNDARY}\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);
}

function form(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

const fileHeaders = (name = 'file', filename = 'call.wav') =>
  `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: audio/wav`;

/** File bytes that look like the start of a delimiter in several ways, without being one. */
const TRICKY_FILE = Buffer.concat([
  Buffer.from('RIFF\r\n--'),
  Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}X`),
  Buffer.from('\r\r\n\r\n-\r\n--'),
  Buffer.from(Array.from({ length: 300 }, (_, index) => index % 256)),
  Buffer.from('\r\n-'),
]);

const SAMPLE = form(
  part('Content-Disposition: form-data; name="metadata"\r\nContent-Type: application/json', '{"title":"Übergabe"}'),
  part(fileHeaders(), TRICKY_FILE),
  part('Content-Disposition: form-data; name="title"', ''),
);

interface Received {
  fields: Record<string, string>;
  files: { name: string; data: Buffer }[];
}

/** Parses `body`; every file part is read to its end. */
async function parse(body: Buffer[] | Readable, maxFileSizeBytes = MAX_FILE): Promise<Received> {
  const received: Received = { fields: {}, files: [] };
  await parseMultipart(request(body), maxFileSizeBytes, {
    onField: (name, value) => void (received.fields[name] = value),
    onFile: async (name, stream) => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      received.files.push({ name, data: Buffer.concat(chunks) });
    },
  });
  return received;
}

/**
 * Parses a body that must fail; every file part handed out must end up
 * destroyed (or ended), and none may have carried more than the file limit.
 */
async function failure(
  body: Buffer[] | Readable,
  options: { maxFileSizeBytes?: number; tooLarge?: () => AppError; handlers?: Partial<MultipartHandlers> } = {},
): Promise<AppError> {
  const maxFileSizeBytes = options.maxFileSizeBytes ?? MAX_FILE;
  const streams: Readable[] = [];
  let largest = 0;
  const handlers: MultipartHandlers = {
    onField: () => undefined,
    onFile: (_name, stream) => {
      streams.push(stream);
      let size = 0;
      stream.on('data', (chunk: Buffer) => void (largest = Math.max(largest, (size += chunk.length))));
      stream.on('error', () => undefined);
      return new Promise((resolve) => stream.once('close', resolve));
    },
    ...options.handlers,
  };
  const error = await parseMultipart(request(body), maxFileSizeBytes, handlers, options.tooLarge).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(AppError);
  await new Promise((resolve) => setImmediate(resolve));
  for (const stream of streams) expect(stream.destroyed || stream.readableEnded).toBe(true);
  expect(largest).toBeLessThanOrEqual(maxFileSizeBytes);
  return error as AppError;
}

describe('parseMultipart', () => {
  it('hands out text fields and file parts with their names', async () => {
    const { fields, files } = await parse([SAMPLE]);
    expect(fields).toEqual({ metadata: '{"title":"Übergabe"}', title: '' });
    expect(files.map((file) => file.name)).toEqual(['file']);
    expect(files[0]!.data.equals(TRICKY_FILE)).toBe(true);
  });

  it('gives the same result wherever the body is split into chunks', async () => {
    for (let at = 1; at < SAMPLE.length; at += 1) {
      const { fields, files } = await parse([SAMPLE.subarray(0, at), SAMPLE.subarray(at)]);
      expect(fields, `split at ${at}`).toEqual({ metadata: '{"title":"Übergabe"}', title: '' });
      expect(files[0]!.data.equals(TRICKY_FILE), `split at ${at}`).toBe(true);
    }
  });

  it('parses a body that arrives one byte at a time', async () => {
    const { fields, files } = await parse(Array.from(SAMPLE, (byte) => Buffer.from([byte])));
    expect(fields).toEqual({ metadata: '{"title":"Übergabe"}', title: '' });
    expect(files[0]!.data.equals(TRICKY_FILE)).toBe(true);
  });

  it('ignores the preamble and the epilogue', async () => {
    const body = Buffer.concat([
      Buffer.from('This is the preamble.\r\n'),
      form(
        part('Content-Disposition: form-data; name="a"', 'one'),
        part('Content-Disposition: form-data; name="b"', 'two'),
      ),
      Buffer.from('epilogue, never read'),
    ]);
    expect((await parse([body])).fields).toEqual({ a: 'one', b: 'two' });
  });

  it('makes a file of a part with a filename only', async () => {
    const body = form(
      part(
        'content-disposition: form-data; name="file"; filename="a \\"quoted\\"; name.m4a"; ' +
          "filename*=UTF-8''Anruf%20mit%20J%C3%BCrgen.m4a",
        'x',
      ),
      part('Content-Disposition: form-data; name=plain; filename=raw.bin', 'y'),
      part('Content-Disposition: form-data; name="note"', 'z'),
      part('Content-Disposition: form-data; name="bytes"\r\nContent-Type: application/octet-stream', 'no filename'),
    );
    const { fields, files } = await parse([body]);
    expect(fields).toEqual({ note: 'z', bytes: 'no filename' });
    expect(files.map((file) => [file.name, file.data.toString()])).toEqual([
      ['file', 'x'],
      ['plain', 'y'],
    ]);
  });

  it('reads the metadata file part, and JSON file parts but `file`, as text fields', async () => {
    const body = form(
      part(
        'Content-Disposition: form-data; name="metadata"; filename="m.bin"\r\nContent-Type: application/octet-stream',
        '{"a":1}',
      ),
      part(
        'Content-Disposition: form-data; name="extra"; filename="e.json"\r\nContent-Type: Application/JSON; ' +
          'charset=utf-8',
        '{"b":2}',
      ),
      part(
        'Content-Disposition: form-data; name="file"; filename="f.json"\r\nContent-Type: application/json',
        '{"c":3}',
      ),
    );
    const { fields, files } = await parse([body]);
    expect(fields).toEqual({ metadata: '{"a":1}', extra: '{"b":2}' });
    expect(files.map((file) => [file.name, file.data.toString()])).toEqual([['file', '{"c":3}']]);
  });

  it('skips parts that are not named form-data', async () => {
    const body = form(
      part('Content-Disposition: attachment; name="x"', 'skipped'),
      part('Content-Type: text/plain', 'no disposition'),
      part('Content-Disposition: form-data; filename="nameless.wav"', 'no name'),
      part('Content-Disposition: form-data; name="kept"', 'yes'),
    );
    expect(await parse([body])).toEqual({ fields: { kept: 'yes' }, files: [] });
  });

  it('accepts a file of exactly the size limit and fails one byte over it with the caller’s error', async () => {
    const ok = await parse([form(part(fileHeaders(), Buffer.alloc(4096, 7)))], 4096);
    expect(ok.files[0]!.data.length).toBe(4096);

    const over = [form(part(fileHeaders(), Buffer.alloc(4097, 7)))];
    expect((await failure(over, { maxFileSizeBytes: 4096 })).code).toBe('payload_too_large');
    const custom = await failure(over, {
      maxFileSizeBytes: 4096,
      tooLarge: () => new AppError('voice_sample_too_large'),
    });
    expect(custom.code).toBe('voice_sample_too_large');
  });

  it('fails a large file over the limit as it streams, in socket-sized chunks', async () => {
    const body = form(part(fileHeaders(), Buffer.alloc(3 << 20, 1)));
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; at += 64 * 1024) chunks.push(body.subarray(at, at + 64 * 1024));
    expect((await failure(chunks, { maxFileSizeBytes: 2 << 20 })).code).toBe('payload_too_large');
  });

  it('accepts a text field of exactly 64 KB and fails one over it, naming the field', async () => {
    const exact = await parse([form(part('Content-Disposition: form-data; name="note"', 'x'.repeat(TEXT_LIMIT)))]);
    expect(exact.fields.note).toHaveLength(TEXT_LIMIT);

    const error = await failure([
      form(part('Content-Disposition: form-data; name="note"', 'x'.repeat(TEXT_LIMIT + 1))),
    ]);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('The note part is too large');
    expect(error.details).toEqual({ fields: { note: 'too large' } });
  });

  it('fails a JSON metadata file part over 64 KB', async () => {
    const error = await failure([
      form(
        part(
          'Content-Disposition: form-data; name="metadata"; filename="m.json"\r\nContent-Type: application/json',
          `"${'x'.repeat(TEXT_LIMIT)}"`,
        ),
      ),
    ]);
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual({ fields: { metadata: 'too large' } });
  });

  it('accepts 25 parts and 3 files, and fails on a 26th part or a 4th file', async () => {
    const fields = (count: number) =>
      Array.from({ length: count }, (_, index) => part(`Content-Disposition: form-data; name="f${index}"`, 'v'));
    expect(Object.keys((await parse([form(...fields(25))])).fields)).toHaveLength(25);
    const parts = await failure([form(...fields(26))]);
    expect([parts.code, parts.message]).toEqual(['validation_failed', 'At most 25 parts are accepted']);

    const files = (count: number) =>
      Array.from({ length: count }, (_, index) => part(fileHeaders(`f${index}`, `${index}.wav`), 'v'));
    expect((await parse([form(...files(3))])).files).toHaveLength(3);
    const four = await failure([form(...files(4))]);
    expect([four.code, four.message]).toEqual(['validation_failed', 'At most 3 files are accepted']);
  });

  it('fails a body that ends before its closing boundary, destroying the open file part', async () => {
    const open = part(fileHeaders(), 'partial');
    const error = await failure([open]);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/ended before its closing boundary/);
  });

  it('fails a body without a boundary, or with a part whose headers pass 16 KB', async () => {
    expect((await failure([Buffer.from('no boundary anywhere')])).code).toBe('validation_failed');
    const hugeHeaders = form(
      part(`Content-Disposition: form-data; name="a"\r\nX-Padding: ${'p'.repeat(17 * 1024)}`, 'v'),
    );
    expect((await failure([hugeHeaders])).code).toBe('validation_failed');
  });

  it('refuses a content type without a boundary before reading the body', async () => {
    const error = await parseMultipart(request([SAMPLE], 'multipart/form-data'), MAX_FILE, {
      onField: () => undefined,
      onFile: async () => undefined,
    }).catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details).toEqual({ fields: { file: 'required' } });
  });

  it('rejects with "interrupted" and destroys the file part when the client disconnects mid-file', async () => {
    const head = Buffer.concat([Buffer.from(`--${BOUNDARY}\r\n${fileHeaders()}\r\n\r\n`), Buffer.alloc(200_000, 2)]);
    const raw = new Readable({ read() {} });
    raw.push(head);
    setTimeout(() => raw.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })), 20);
    const error = await failure(raw);
    expect([error.code, error.message]).toEqual(['validation_failed', 'The upload was interrupted']);
  });

  it('rejects with the handler’s own error, sync or async', async () => {
    const refused = new AppError('unsupported_media_type');
    const fromFile = await failure([SAMPLE], {
      handlers: { onFile: async (_name, stream) => (stream.resume(), Promise.reject(refused)) },
    });
    expect(fromFile).toBe(refused);
    const invalid = new AppError('validation_failed', 'operations is not JSON');
    const fromField = await failure([SAMPLE], {
      handlers: {
        onField: () => {
          throw invalid;
        },
      },
    });
    expect(fromField).toBe(invalid);
  });

  it('fails with open parts whose consumers listen for no error, and leaves no unhandled error behind', async () => {
    const body = form(...Array.from({ length: 4 }, (_, index) => part(fileHeaders('file', `f${index}.wav`), 'RIFF')));
    const closed: Promise<void>[] = [];
    const error = await parseMultipart(request([body]), MAX_FILE, {
      onField: () => undefined,
      // Holds each part open and never reads it, as a consumer waiting for something else does.
      onFile: (_name, stream) => {
        const close = new Promise<void>((resolve) => stream.once('close', resolve));
        closed.push(close);
        return close;
      },
    }).catch((rejection: unknown) => rejection);
    expect((error as AppError).message).toBe('At most 3 files are accepted');
    // A destroyed stream emits 'error' just before 'close': an unheard one would be an uncaught exception by now.
    await Promise.all(closed);
    expect(closed).toHaveLength(3);
  });

  it('reads on past a file part its consumer destroys, and settles', async () => {
    const file = Buffer.alloc(3 << 20, 4);
    const body = form(part(fileHeaders(), file), part('Content-Disposition: form-data; name="after"', 'here'));
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; at += 64 * 1024) chunks.push(body.subarray(at, at + 64 * 1024));
    const fields: string[] = [];
    await parseMultipart(request(chunks), 4 << 20, {
      onField: (name) => void fields.push(name),
      onFile: (_name, stream) =>
        new Promise((resolve) => {
          // As the GraphQL surface does with a file the operation did not take.
          stream.once('data', () => stream.destroy());
          stream.once('close', resolve);
        }),
    });
    expect(fields).toEqual(['after']);
  });

  it('holds the request while a file consumer lags, so at most about a buffer of it waits in memory', async () => {
    const file = Buffer.alloc(8 << 20, 3);
    const body = form(part(fileHeaders(), file));
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; at += 64 * 1024) chunks.push(body.subarray(at, at + 64 * 1024));
    let peakBuffered = 0;
    let received = 0;
    await parseMultipart(request(chunks), 16 << 20, {
      onField: () => undefined,
      onFile: (_name, stream) =>
        new Promise((resolve) => {
          // A slow consumer: one chunk per timer tick.
          const readSlowly = () => {
            peakBuffered = Math.max(peakBuffered, stream.readableLength);
            const chunk = stream.read() as Buffer | null;
            if (chunk) received += chunk.length;
            if (stream.readableEnded) resolve();
            else setTimeout(readSlowly, 0);
          };
          stream.once('end', resolve);
          stream.once('readable', readSlowly);
        }),
    });
    expect(received).toBe(file.length);
    expect(peakBuffered).toBeLessThanOrEqual(FILE_PART_BUFFER_BYTES + 64 * 1024);
  });
});

/** Bodies no real client sends, answered as busboy answers them. */
describe('malformed framing', () => {
  it('a part with no headers at all fails the body', async () => {
    const body = form(
      Buffer.from(`--${BOUNDARY}\r\n\r\nno headers at all\r\n`),
      part('Content-Disposition: form-data; name="kept"', 'yes'),
    );
    expect((await failure([body])).code).toBe('validation_failed');
  });

  it('a part after transport padding on its boundary line is dropped', async () => {
    const body = Buffer.concat([
      Buffer.from(`--${BOUNDARY} \t\r\nContent-Disposition: form-data; name="a"\r\n\r\none\r\n`),
      form(part('Content-Disposition: form-data; name="b"', 'two')),
    ]);
    expect((await parse([body])).fields).toEqual({ b: 'two' });
  });

  it('a boundary line with junk after it: what follows is ignored up to the next boundary', async () => {
    const broken = Buffer.from(
      `--${BOUNDARY}junk\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${BOUNDARY}--`,
    );
    expect(await parse([broken])).toEqual({ fields: {}, files: [] });
  });
});
