import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { benchEnv } from './bench-env.ts';
import { fmt, median } from './load.ts';
import { startServerProcess } from './server-process.ts';

const FILE_MB = 50;
/**
 * Rounds alternate between the two servers, so drift on a shared machine hits
 * both alike, and the ratio is taken on medians: a 50 MB upload takes tens of
 * milliseconds here, where one stray scheduler stall would swing a total.
 */
const ROUNDS = 20;
const WARM_UP_ROUNDS = 3;
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
    // Both servers and this client reach steady state (JIT, TCP windows) before anything is timed.
    for (let round = 0; round < WARM_UP_ROUNDS; round += 1) {
      await upload(scryon.url, FILE_MB);
      await upload(baseline.url, FILE_MB);
    }
    scryon.resetPeakRss();
    const rssBefore = scryon.rss();
    baseline.resetPeakRss();
    const bareRssBefore = baseline.rss();
    const oursMs: number[] = [];
    const bareMs: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      oursMs.push(await timedUpload(scryon.url));
      bareMs.push(await timedUpload(baseline.url));
    }
    const rssGrowthMb = (scryon.peakRss() - rssBefore) / MB;
    const bareRssGrowthMb = (baseline.peakRss() - bareRssBefore) / MB;
    const oursMedianMs = median(oursMs);
    const bareMedianMs = median(bareMs);
    const ours = FILE_MB / (oursMedianMs / 1000);
    const bare = FILE_MB / (bareMedianMs / 1000);
    const ratio = ours / bare;
    const totalsRatio = sum(bareMs) / sum(oursMs);
    console.log(`upload (${FILE_MB} MB multipart, ${ROUNDS} alternating rounds, median, loopback, file store on ${storageRoot ? 'tmpfs' : 'disk'}, ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`);
    console.log(`  scryon    ${fmt(ours, 1)} MB/s (${fmt(oursMedianMs, 1)} ms per upload)`);
    console.log(`  node:http ${fmt(bare, 1)} MB/s (${fmt(bareMedianMs, 1)} ms per upload, streaming sink)`);
    console.log(`  ratio     ${fmt(ratio)} (target ≥ 0.50) ${ratio >= 0.5 ? 'PASS' : 'BELOW TARGET'}; on total time instead of medians: ${fmt(totalsRatio)}`);
    console.log(`  scryon peak RSS growth ${fmt(rssGrowthMb, 1)} MB (target < 64) ${rssGrowthMb < 64 ? 'PASS' : 'ABOVE TARGET'}; the node:http sink's: ${fmt(bareRssGrowthMb, 1)} MB`);
    return { ratio, rssGrowthMb };
  } finally {
    await Promise.all([scryon.stop(), baseline.stop()]);
    if (storageRoot) rmSync(storageRoot, { recursive: true, force: true });
  }
}

async function timedUpload(url: string): Promise<number> {
  const started = performance.now();
  await upload(url, FILE_MB);
  return performance.now() - started;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
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
