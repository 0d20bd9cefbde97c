import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { benchEnv } from './bench-env.ts';
import { fmt } from './load.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const FILE_MB = 50;
const ROUNDS = 3;
const MB = 1024 * 1024;

/**
 * A 50 MB multipart upload streamed into Scryon (sniffing, size limit,
 * hashing, file store, row, workflow) against a bare node:http sink that
 * discards the body. Targets: throughput ratio ≥ 0.5 and the server's peak
 * RSS growth under 64 MB (the file is never held whole in memory).
 */
export async function benchUpload(): Promise<{ ratio: number; rssGrowthMb: number }> {
  // The file store sits on tmpfs when the machine has one: the baseline discards
  // bytes, so this compares the server's streaming path, not the disk.
  const storageRoot = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/scryon-bench-') : undefined;
  const scryon = await startServerProcess(
    path.resolve('test/bench/scryon-server.ts'),
    await benchEnv({ MAX_FILE_SIZE: `${FILE_MB + 5}MB`, ...(storageRoot ? { OBJECT_STORAGE_LOCAL_PATH: storageRoot } : {}), ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}) }),
  );
  const baseline = await startServerProcess(path.resolve('test/bench/baseline-server.ts'));
  try {
    await upload(scryon.url, 1);
    await upload(baseline.url, 1);
    scryon.resetPeakRss();
    const rssBefore = scryon.rss();
    const ours = await timedUploads(scryon);
    const rssGrowthMb = (scryon.peakRss() - rssBefore) / MB;
    const bare = await timedUploads(baseline);
    const ratio = ours / bare;
    console.log(`upload (${FILE_MB} MB multipart, ${ROUNDS} rounds each, loopback, file store on ${storageRoot ? 'tmpfs' : 'disk'}, ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`);
    console.log(`  scryon    ${fmt(ours, 1)} MB/s`);
    console.log(`  node:http ${fmt(bare, 1)} MB/s (streaming sink)`);
    console.log(`  ratio     ${fmt(ratio)} (target ≥ 0.50) ${ratio >= 0.5 ? 'PASS' : 'BELOW TARGET'}`);
    console.log(`  scryon peak RSS growth ${fmt(rssGrowthMb, 1)} MB (target < 64) ${rssGrowthMb < 64 ? 'PASS' : 'ABOVE TARGET'}`);
    return { ratio, rssGrowthMb };
  } finally {
    await Promise.all([scryon.stop(), baseline.stop()]);
    if (storageRoot) rmSync(storageRoot, { recursive: true, force: true });
  }
}

async function timedUploads(server: ServerProcess): Promise<number> {
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round += 1) await upload(server.url, FILE_MB);
  return (ROUNDS * FILE_MB) / ((performance.now() - started) / 1000);
}

/** Streams a synthetic WAV of `megabytes` as multipart without building it in memory. */
function upload(baseUrl: string, megabytes: number): Promise<void> {
  const boundary = `scryon-bench-${Date.now()}`;
  const dataBytes = megabytes * MB;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n{"title":"bench"}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const wavHeader = wavHeaderFor(dataBytes);
  const chunk = Buffer.alloc(256 * 1024, 1);
  async function* body() {
    yield head;
    yield wavHeader;
    for (let sent = 0; sent < dataBytes; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, dataBytes - sent));
    yield tail;
  }
  const length = head.length + wavHeader.length + dataBytes + tail.length;
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}/api/calls/analyze`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': length },
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 202 ? resolve() : reject(new Error(`upload answered ${response.statusCode}`))));
    });
    request.on('error', reject);
    Readable.from(body()).pipe(request);
  });
}

function wavHeaderFor(dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchUpload();
