import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  MultipartError,
  MultipartParser,
  multipartBoundary,
  type MultipartLimits,
  type PartInfo,
} from '../../../src/api/uploads/multipart-parser.ts';

const BOUNDARY = '----scryon7MA4YWxkTrZu0gW';
/** The file-part buffer the parser keeps to (it may overshoot by one incoming chunk). */
const FILE_PART_BUFFER_BYTES = 1024 * 1024;
const LIMITS: MultipartLimits = { fileSize: 1 << 20, fieldSize: 1024, files: 3, parts: 10, headerSize: 1024 };

interface ParsedFile {
  name: string;
  info: PartInfo;
  data: Buffer;
}

/** Feeds `chunks` through a parser and collects what it hands out. */
async function parse(chunks: Buffer[], limits: Partial<MultipartLimits> = {}) {
  const fields: Record<string, string> = {};
  const files: ParsedFile[] = [];
  const reading: Promise<void>[] = [];
  const parser = new MultipartParser({
    boundary: BOUNDARY,
    limits: { ...LIMITS, ...limits },
    onField: (name, value) => void (fields[name] = value),
    onFile: (name, stream, info) => {
      reading.push(
        (async () => {
          const parts: Buffer[] = [];
          for await (const chunk of stream) parts.push(chunk as Buffer);
          files.push({ name, info, data: Buffer.concat(parts) });
        })(),
      );
    },
  });
  await pipeline(Readable.from(chunks), parser);
  await Promise.all(reading);
  return { fields, files };
}

async function parseError(chunks: Buffer[], limits: Partial<MultipartLimits> = {}): Promise<MultipartError> {
  const streams: Readable[] = [];
  const parser = new MultipartParser({
    boundary: BOUNDARY,
    limits: { ...LIMITS, ...limits },
    onField: () => undefined,
    onFile: (_name, stream) => {
      streams.push(stream);
      stream.on('error', () => undefined).resume();
    },
  });
  const error = await pipeline(Readable.from(chunks), parser).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(MultipartError);
  // A file part still open when the parse fails is destroyed, so its consumer stops too.
  for (const stream of streams) expect(stream.destroyed || stream.readableEnded).toBe(true);
  return error as MultipartError;
}

function part(headers: string, body: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`--${BOUNDARY}\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);
}

function form(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

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
  part('Content-Disposition: form-data; name="file"; filename="call.wav"\r\nContent-Type: audio/wav', TRICKY_FILE),
  part('Content-Disposition: form-data; name="title"', ''),
);

describe('MultipartParser', () => {
  it('hands out text fields and file parts with their names, filenames and types', async () => {
    const { fields, files } = await parse([SAMPLE]);
    expect(fields).toEqual({ metadata: '{"title":"Übergabe"}', title: '' });
    expect(files).toHaveLength(1);
    expect(files[0]!.name).toBe('file');
    expect(files[0]!.info).toEqual({ name: 'file', filename: 'call.wav', mimeType: 'audio/wav' });
    expect(files[0]!.data.equals(TRICKY_FILE)).toBe(true);
  });

  it('gives the same result wherever the body is split into chunks', async () => {
    for (let at = 1; at < SAMPLE.length; at += 1) {
      const { fields, files } = await parse([SAMPLE.subarray(0, at), SAMPLE.subarray(at)]);
      expect(fields.metadata, `split at ${at}`).toBe('{"title":"Übergabe"}');
      expect(files[0]!.data.equals(TRICKY_FILE), `split at ${at}`).toBe(true);
    }
  });

  it('parses a body that arrives one byte at a time', async () => {
    const bytes = Array.from(SAMPLE, (byte) => Buffer.from([byte]));
    const { fields, files } = await parse(bytes);
    expect(fields.title).toBe('');
    expect(files[0]!.data.equals(TRICKY_FILE)).toBe(true);
  });

  it('ignores the preamble, the epilogue and transport padding after a boundary', async () => {
    const body = Buffer.concat([
      Buffer.from('This is the preamble.\r\n'),
      Buffer.from(`--${BOUNDARY} \t\r\nContent-Disposition: form-data; name="a"\r\n\r\none\r\n`),
      form(part('Content-Disposition: form-data; name="b"', 'two')),
      Buffer.from('epilogue, never read'),
    ]);
    const { fields } = await parse([body]);
    expect(fields).toEqual({ a: 'one', b: 'two' });
  });

  it('reads quoted parameters with escapes, prefers filename* and defaults the types', async () => {
    const body = form(
      part(
        'content-disposition: form-data; name="file"; filename="a \\"quoted\\"; name.m4a"; filename*=UTF-8\'\'Anruf%20mit%20J%C3%BCrgen.m4a',
        'x',
      ),
      part('Content-Disposition: form-data; name=plain; filename=raw.bin', 'y'),
      part('Content-Disposition: form-data; name="note"', 'z'),
    );
    const names: PartInfo[] = [];
    const parser = new MultipartParser({
      boundary: BOUNDARY,
      limits: LIMITS,
      onField: (_name, _value, info) => void names.push(info),
      onFile: (_name, stream, info) => {
        names.push(info);
        stream.resume();
      },
    });
    await pipeline(Readable.from([body]), parser);
    expect(names).toEqual([
      { name: 'file', filename: 'Anruf mit Jürgen.m4a', mimeType: 'application/octet-stream' },
      { name: 'plain', filename: 'raw.bin', mimeType: 'application/octet-stream' },
      { name: 'note', filename: undefined, mimeType: 'text/plain' },
    ]);
  });

  it('skips parts that are not named form-data, and accepts a part without headers', async () => {
    const body = form(
      part('Content-Disposition: attachment; name="x"', 'skipped'),
      part('Content-Type: text/plain', 'no disposition'),
      Buffer.from(`--${BOUNDARY}\r\n\r\nno headers at all\r\n`),
      part('Content-Disposition: form-data; name="kept"', 'yes'),
    );
    const { fields, files } = await parse([body]);
    expect(fields).toEqual({ kept: 'yes' });
    expect(files).toEqual([]);
  });

  it('accepts a file of exactly the size limit and fails one byte over it', async () => {
    const exact = Buffer.alloc(4096, 7);
    const ok = await parse([form(part('Content-Disposition: form-data; name="file"; filename="f"', exact))], {
      fileSize: 4096,
    });
    expect(ok.files[0]!.data.length).toBe(4096);

    const error = await parseError(
      [form(part('Content-Disposition: form-data; name="file"; filename="f"', Buffer.alloc(4097, 7)))],
      { fileSize: 4096 },
    );
    expect(error.failure).toBe('file_too_large');
    expect(error.partName).toBe('file');
  });

  it('fails a text field over its limit, naming the field', async () => {
    const error = await parseError([form(part('Content-Disposition: form-data; name="metadata"', 'x'.repeat(1025)))]);
    expect(error.failure).toBe('field_too_large');
    expect(error.partName).toBe('metadata');
  });

  it('fails on too many parts or too many files', async () => {
    const fields = Array.from({ length: 11 }, (_, index) =>
      part(`Content-Disposition: form-data; name="f${index}"`, 'v'),
    );
    expect((await parseError([form(...fields)])).failure).toBe('too_many_parts');
    const files = Array.from({ length: 4 }, (_, index) =>
      part(`Content-Disposition: form-data; name="f${index}"; filename="${index}"`, 'v'),
    );
    expect((await parseError([form(...files)])).failure).toBe('too_many_parts');
  });

  it('fails a body that ends before its closing boundary, with oversized headers, or with a broken boundary line', async () => {
    const open = Buffer.concat([part('Content-Disposition: form-data; name="file"; filename="f"', 'partial')]);
    expect((await parseError([open])).failure).toBe('malformed');
    expect((await parseError([Buffer.from('no boundary anywhere')])).failure).toBe('malformed');
    const hugeHeaders = form(part(`Content-Disposition: form-data; name="a"\r\nX-Padding: ${'p'.repeat(2000)}`, 'v'));
    expect((await parseError([hugeHeaders])).failure).toBe('malformed');
    const brokenLine = Buffer.from(
      `--${BOUNDARY}junk\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${BOUNDARY}--`,
    );
    expect((await parseError([brokenLine])).failure).toBe('malformed');
  });

  it('does not wait on a file part that has ended, even if its consumer has not read it yet', async () => {
    const file = Buffer.alloc(3 << 20, 5);
    const body = form(
      part('Content-Disposition: form-data; name="file"; filename="f"', file),
      part('Content-Disposition: form-data; name="after"', 'here'),
    );
    let fileStream: Readable | undefined;
    const fields: string[] = [];
    const parser = new MultipartParser({
      boundary: BOUNDARY,
      limits: { ...LIMITS, fileSize: 4 << 20 },
      onField: (name) => void fields.push(name),
      onFile: (_name, stream) => void (fileStream = stream),
    });
    // This consumer collects every part before it reads the file.
    await pipeline(Readable.from([body]), parser);
    expect(fields).toEqual(['after']);
    const received: Buffer[] = [];
    for await (const chunk of fileStream!) received.push(chunk as Buffer);
    expect(Buffer.concat(received).equals(file)).toBe(true);
  });

  it('holds the request while a file consumer lags, so at most about a buffer of the file waits in memory', async () => {
    const file = Buffer.alloc(8 << 20, 3);
    const chunks: Buffer[] = [];
    const body = form(part('Content-Disposition: form-data; name="file"; filename="big"', file));
    for (let at = 0; at < body.length; at += 64 * 1024) chunks.push(body.subarray(at, at + 64 * 1024));

    let peakBuffered = 0;
    let received = 0;
    const parser = new MultipartParser({
      boundary: BOUNDARY,
      limits: { ...LIMITS, fileSize: 16 << 20 },
      onField: () => undefined,
      onFile: (_name, stream) => {
        // A slow consumer: one chunk per timer tick.
        const readSlowly = () => {
          peakBuffered = Math.max(peakBuffered, stream.readableLength);
          const chunk = stream.read() as Buffer | null;
          if (chunk) received += chunk.length;
          if (!stream.readableEnded) setTimeout(readSlowly, 0);
        };
        stream.once('readable', readSlowly);
      },
    });
    await pipeline(Readable.from(chunks), parser);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toBe(file.length);
    expect(peakBuffered).toBeLessThanOrEqual(FILE_PART_BUFFER_BYTES + 64 * 1024);
  });
});

describe('multipartBoundary', () => {
  it('reads quoted and bare boundaries of multipart/form-data only', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; BOUNDARY="a b;c"')).toBe('a b;c');
    expect(multipartBoundary('multipart/mixed; boundary=x')).toBeUndefined();
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
    expect(multipartBoundary(undefined)).toBeUndefined();
  });
});
