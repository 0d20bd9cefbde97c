import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { FastifyRequest } from 'fastify';
import { parseMultipart } from '../../src/api/uploads/multipart.ts';
import { fmt, median } from './load.ts';

const MB = 1024 * 1024;
const FILE_MB = 50;
const ROUNDS = 20;
const WARM_UP_ROUNDS = 3;
const BOUNDARY = 'scryon-bench-1700000000000';

/**
 * The parsers alone, in this process: the upload bench's body (a metadata
 * part, then 50 MB of file) from memory in 64 KB chunks, as the socket hands
 * it over, through `parseMultipart` (busboy with the upload contract around
 * it: limits, part rules, back-pressure), and through busboy alone. The file goes to a discarding Writable by
 * pipe, as the file store takes it. Measures CPU per upload (user + kernel,
 * median of alternating rounds): what the contract costs over the library.
 * Not in `npm run bench`: run it as `node test/bench/multipart-parse.bench.ts`.
 */
export async function benchMultipartParse(): Promise<Record<string, number>> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n` +
      `{"title":"bench"}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="bench.wav"\r\nContent-Type: ` +
      `audio/wav\r\n\r\n`,
  );
  const body = Buffer.concat([head, Buffer.alloc(FILE_MB * MB, 1), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
  const chunks: Buffer[] = [];
  for (let at = 0; at < body.length; at += 64 * 1024) chunks.push(Buffer.from(body.subarray(at, at + 64 * 1024)));
  const contentType = `multipart/form-data; boundary=${BOUNDARY}`;
  const sink = (stream: Readable) =>
    pipeline(stream, new Writable({ highWaterMark: 4 * MB, write: (_chunk, _encoding, callback) => callback() }));

  const contract = () => {
    const request = {
      headers: { 'content-type': contentType },
      raw: Readable.from(chunks),
    } as unknown as FastifyRequest;
    return parseMultipart(request, (FILE_MB + 5) * MB, {
      onField: () => undefined,
      onFile: (_name, stream) => sink(stream),
    });
  };
  const bareBusboy = () =>
    new Promise<void>((resolve, reject) => {
      const parser = busboy({ headers: { 'content-type': contentType }, highWaterMark: MB });
      const files: Promise<void>[] = [];
      parser.on('file', (_name, stream) => files.push(sink(stream)));
      parser.on('field', () => undefined);
      parser.on('finish', () => Promise.all(files).then(() => resolve(), reject));
      parser.on('error', reject);
      Readable.from(chunks).pipe(parser);
    });
  const cases: [string, () => Promise<void>][] = [
    ['parseMultipart', contract],
    ['busboy alone', bareBusboy],
  ];

  const cpuMs = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round += 1) {
    for (let step = 0; step < cases.length; step += 1) {
      const [name, run] = cases[(round + step) % cases.length]!;
      const started = process.cpuUsage();
      await run();
      const used = process.cpuUsage(started);
      if (round >= WARM_UP_ROUNDS) cpuMs.get(name)!.push((used.user + used.system) / 1000);
    }
  }
  const medians = Object.fromEntries([...cpuMs].map(([name, values]) => [name, median(values)]));
  console.log(
    `multipart parse (${FILE_MB} MB file part, 64 KB chunks from memory, ${ROUNDS} alternating rounds, median CPU ` +
      `per upload)`,
  );
  for (const [name, ms] of Object.entries(medians))
    console.log(`  ${name.padEnd(30)} ${fmt(ms, 1)} ms (${fmt(FILE_MB / (ms / 1000), 0)} MB per CPU-second)`);
  return medians;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMultipartParse();
