import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Storage } from '@google-cloud/storage';
import { benchEnv } from './bench-env.ts';
import { startProductionPath } from './production-path.ts';
import { fmt, median } from './load.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const FILE_MB = 50;
/**
 * Rounds alternate between the servers, so drift on a shared machine hits
 * both alike, and the ratios are taken on medians: a 50 MB upload takes tens of
 * milliseconds here, where one stray scheduler stall would swing a total.
 */
const ROUNDS = 30;
const WARM_UP_ROUNDS = 3;
const MB = 1024 * 1024;

/**
 * A 50 MB multipart upload streamed into Scryon (sniffing, size limit, file
 * store, row, workflow; no Idempotency-Key, so no hashing) against a bare
 * node:http sink that discards the body. Targets: throughput ratio ≥ 0.5 and
 * the server's peak RSS growth under 64 MB (the file is never held whole).
 */
export async function benchUpload(): Promise<{ ratio: number; rssGrowthMb: number }> {
  // The file store sits on tmpfs when the machine has one: the baseline discards
  // bytes, so this compares the server's streaming path, not the disk.
  const onTmpfs = existsSync('/dev/shm');
  const storageRoot = mkdtempSync(path.join(onTmpfs ? '/dev/shm' : tmpdir(), 'scryon-bench-'));
  const servers: ServerProcess[] = [];
  try {
    const env = await benchEnv({
      MAX_FILE_SIZE: `${FILE_MB + 5}MB`,
      OBJECT_STORAGE_LOCAL_PATH: storageRoot,
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    });
    const scryon = await startServerProcess(path.resolve('test/bench/scryon-server.ts'), env);
    servers.push(scryon);
    const baseline = await startServerProcess(path.resolve('test/bench/baseline-server.ts'));
    servers.push(baseline);
    const ours = new UploadSeries(scryon, () => emptyDirectory(storageRoot));
    const bare = new UploadSeries(baseline);
    await alternateRounds(ours, bare);

    const ratio = bare.medianMs() / ours.medianMs();
    const rssGrowthMb = ours.peakRssGrowthMb();
    console.log(
      `upload, dev path (${FILE_MB} MB multipart, ${ROUNDS} alternating rounds, median, loopback, file store ` +
        `on ${onTmpfs ? 'tmpfs' : 'disk'}, ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
    );
    console.log(`  scryon                ${ours.describe()}`);
    console.log(`  node:http             ${bare.describe()}, streaming sink`);
    console.log(
      `  ratio     ${fmt(ratio)} (target ≥ 0.50) ${ratio >= 0.5 ? 'PASS' : 'BELOW TARGET'}; on total time instead ` +
        `of medians: ${fmt(bare.totalMs() / ours.totalMs())}`,
    );
    console.log(
      `  scryon peak RSS growth ${fmt(rssGrowthMb, 1)} MB (target < ` +
        `64) ${rssGrowthMb < 64 ? 'PASS' : 'ABOVE TARGET'}; the node:http sink's: ${fmt(bare.peakRssGrowthMb(), 1)} MB`,
    );
    return { ratio, rssGrowthMb };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(storageRoot, { recursive: true, force: true });
  }
}

/**
 * The same 50 MB upload on the production path: a real Firebase ID token,
 * PostgreSQL, the audio streamed into GCS (fake-gcs-server), the API in its
 * own process at LOG_LEVEL=info, against a bare node:http sink that streams
 * the body into fake-gcs-server the same way. Targets as above.
 */
export async function benchUploadProduction(): Promise<{ ratio: number; rssGrowthMb: number }> {
  const production = await startProductionPath({ MAX_FILE_SIZE: `${FILE_MB + 5}MB` });
  const servers: ServerProcess[] = [];
  try {
    const token = await production.signUp();
    const scryon = await startServerProcess(path.resolve('test/bench/scryon-server.ts'), production.env);
    servers.push(scryon);
    const baseline = await startServerProcess(path.resolve('test/bench/baseline-server.ts'), {
      BASELINE_GCS_ENDPOINT: production.env.GCS_API_ENDPOINT!,
    });
    servers.push(baseline);
    // What each upload stored goes, untimed, so fake-gcs-server's memory stays flat across rounds.
    const storage = new Storage({ apiEndpoint: production.env.GCS_API_ENDPOINT!, projectId: 'scryon-bench' });
    const emptyBuckets = async () => {
      const [buckets] = await storage.getBuckets();
      for (const bucket of buckets) await bucket.deleteFiles({ force: true });
    };
    const ours = new UploadSeries(scryon, emptyBuckets, { authorization: `Bearer ${token}` });
    const bare = new UploadSeries(baseline, emptyBuckets);
    await alternateRounds(ours, bare);
    const ratio = bare.medianMs() / ours.medianMs();
    const rssGrowthMb = ours.peakRssGrowthMb();
    console.log(
      `upload, production path (${FILE_MB} MB multipart, ${ROUNDS} alternating rounds, median; Firebase token, ` +
        `PostgreSQL, GCS by fake-gcs-server)`,
    );
    console.log(`  scryon                ${ours.describe()}`);
    console.log(`  node:http → GCS       ${bare.describe()}`);
    console.log(
      `  ratio     ${fmt(ratio)} (target ≥ 0.50) ${ratio >= 0.5 ? 'PASS' : 'BELOW TARGET'}; on total ` +
        `time: ${fmt(bare.totalMs() / ours.totalMs())}`,
    );
    console.log(
      `  scryon peak RSS growth ${fmt(rssGrowthMb, 1)} MB (target < ` +
        `64) ${rssGrowthMb < 64 ? 'PASS' : 'ABOVE TARGET'}; the sink's: ${fmt(bare.peakRssGrowthMb(), 1)} MB`,
    );
    return { ratio, rssGrowthMb };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await production.stop();
  }
}

/**
 * Warm-up rounds, so both servers and this client reach steady state (JIT,
 * TCP windows) before anything is timed, then the measured ones; each round
 * starts with the other server than the last.
 */
async function alternateRounds(ours: UploadSeries, bare: UploadSeries): Promise<void> {
  for (let index = 0; index < WARM_UP_ROUNDS; index += 1)
    for (const each of index % 2 ? [bare, ours] : [ours, bare]) await each.upload();
  ours.startMeasuring();
  bare.startMeasuring();
  for (let index = 0; index < ROUNDS; index += 1)
    for (const each of index % 2 ? [bare, ours] : [ours, bare]) await each.upload();
}

/**
 * One server's timed uploads, with its own CPU time around each (user and
 * kernel, all threads): where a gap in throughput comes from, not only its size.
 */
class UploadSeries {
  readonly #elapsedMs: number[] = [];
  readonly #cpuMs = { user: 0, system: 0 };
  readonly #server: ServerProcess;
  readonly #afterEach: () => void | Promise<void>;
  readonly #headers: Record<string, string>;
  #rssBefore = 0;
  #measuring = false;

  constructor(
    server: ServerProcess,
    afterEach: () => void | Promise<void> = () => undefined,
    headers: Record<string, string> = {},
  ) {
    this.#server = server;
    this.#afterEach = afterEach;
    this.#headers = headers;
  }

  startMeasuring(): void {
    this.#server.resetPeakRss();
    this.#rssBefore = this.#server.rss();
    this.#measuring = true;
  }

  async upload(): Promise<void> {
    const cpuBefore = this.#server.cpuMs();
    const started = performance.now();
    await upload(this.#server.url, FILE_MB, this.#headers);
    const elapsedMs = performance.now() - started;
    const cpuAfter = this.#server.cpuMs();
    await this.#afterEach();
    if (!this.#measuring) return;
    this.#elapsedMs.push(elapsedMs);
    this.#cpuMs.user += cpuAfter.user - cpuBefore.user;
    this.#cpuMs.system += cpuAfter.system - cpuBefore.system;
  }

  medianMs(): number {
    return median(this.#elapsedMs);
  }

  totalMs(): number {
    return this.#elapsedMs.reduce((total, value) => total + value, 0);
  }

  peakRssGrowthMb(): number {
    return (this.#server.peakRss() - this.#rssBefore) / MB;
  }

  describe(): string {
    const rounds = this.#elapsedMs.length;
    const perUpload = (ms: number) => fmt(ms / rounds, 1);
    return (
      `${fmt(FILE_MB / (this.medianMs() / 1000), 1)} MB/s (${fmt(this.medianMs(), 1)} ms per upload; server ` +
      `CPU per upload ${perUpload(this.#cpuMs.user)} ms user + ${perUpload(this.#cpuMs.system)} ms kernel)`
    );
  }
}

/**
 * Removes what an upload stored, untimed, as the pipeline does once a call is
 * done with its audio. Without it every round writes into memory the machine
 * has never touched, and on a VM that lazily backs guest memory a first write
 * costs a host fault per page: 50 MB into fresh tmpfs pages measured 3–4×
 * slower than into reused ones, which timed the hypervisor, not the server.
 */
function emptyDirectory(directory: string): void {
  for (const entry of readdirSync(directory)) rmSync(path.join(directory, entry), { recursive: true, force: true });
}

/** Streams a synthetic WAV of `megabytes` as multipart without building it in memory. */
function upload(baseUrl: string, megabytes: number, headers: Record<string, string> = {}): Promise<void> {
  const boundary = `scryon-bench-${Date.now()}`;
  const dataBytes = megabytes * MB;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n` +
      `{"title":"bench"}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.wav"\r\nContent-Type: ` +
      `audio/wav\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const wavHeader = wavHeaderFor(dataBytes);
  const chunk = Buffer.alloc(256 * 1024, 1);
  async function* body() {
    yield head;
    yield wavHeader;
    for (let sent = 0; sent < dataBytes; sent += chunk.length)
      yield chunk.subarray(0, Math.min(chunk.length, dataBytes - sent));
    yield tail;
  }
  const length = head.length + wavHeader.length + dataBytes + tail.length;
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}/api/calls/analyze`, {
      method: 'POST',
      headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': length },
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () =>
        response.statusCode === 202 ? resolve() : reject(new Error(`upload answered ${response.statusCode}`)),
      );
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

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchUploadProduction();
  await benchUpload();
}
