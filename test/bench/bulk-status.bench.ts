import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { wavBytes } from '../harness/audio.ts';
import { benchEnv } from './bench-env.ts';
import { fmt, runLoad, summarizeLoad, type LoadResult } from './load.ts';
import { startProductionPath } from './production-path.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = 16;
/**
 * Each server gets SECONDS of load in one-second windows that alternate with
 * the other's, and the ratio is taken on median window throughput: on a shared
 * two-core machine a few seconds of drift otherwise land on one side only.
 */
const WINDOW_SECONDS = 1;
/** Both servers and the client are still compiling their hot paths for the first few seconds of load. */
const WARM_UP_WINDOWS = 3;

/**
 * GET /api/calls/status with 50 ids through the whole Scryon stack
 * (authentication, validation, one indexed query) against a bare node:http
 * server answering the same bytes. Target: ratio ≥ 0.5 on the production
 * path: a real Firebase ID token (Auth emulator), PostgreSQL, GCS
 * (fake-gcs-server), a Temporal server by address, LOG_LEVEL=info, the API
 * in its own process. The embedded dev path (PGlite, local-dev user,
 * LOG_LEVEL=warn) is measured after it, for comparison only.
 */
export async function benchBulkStatus(): Promise<{ ratio: number }> {
  const production = await startProductionPath();
  let ratio: number;
  try {
    const token = await production.signUp();
    ratio = await measureBulkStatus('production path', production.env, { authorization: `Bearer ${token}` });
  } finally {
    await production.stop();
  }
  await measureBulkStatus('dev path (embedded default)', await benchEnv(), {});
  return { ratio };
}

async function measureBulkStatus(
  pathName: string,
  env: Record<string, string>,
  headers: Record<string, string>,
): Promise<number> {
  const scryon = await startServerProcess(path.resolve('test/bench/scryon-server.ts'), env);
  try {
    const statusUrl = await bulkStatusUrl(scryon.url, headers);
    const bodyFile = path.join(tmpdir(), `scryon-bench-status-${process.pid}.json`);
    const reference = await fetch(statusUrl, { headers });
    writeFileSync(bodyFile, Buffer.from(await reference.arrayBuffer()));
    const baseline = await startServerProcess(path.resolve('test/bench/baseline-server.ts'), {
      BASELINE_BODY_FILE: bodyFile,
    });
    try {
      const scryonTarget = { server: scryon, url: statusUrl, headers };
      const baselineTarget = { server: baseline, url: `${baseline.url}/`, headers };
      for (let window = 0; window < WARM_UP_WINDOWS; window += 1) {
        await loadWindow(scryonTarget);
        await loadWindow(baselineTarget);
      }
      const oursWindows: MeasuredWindow[] = [];
      const bareWindows: MeasuredWindow[] = [];
      for (let window = 0; window < SECONDS / WINDOW_SECONDS; window += 1) {
        oursWindows.push(await loadWindow(scryonTarget));
        bareWindows.push(await loadWindow(baselineTarget));
      }
      const ratio = summarizeLoad(oursWindows).throughput / summarizeLoad(bareWindows).throughput;
      console.log(
        `bulk status, ${pathName} (50 ids, ${CONCURRENCY} concurrent, ${SECONDS}s each in ` +
          `alternating ${WINDOW_SECONDS}s windows, median window)`,
      );
      console.log(`  scryon   ${describeWindows(oursWindows)}`);
      console.log(`  node:http ${describeWindows(bareWindows)}`);
      console.log(`  ratio    ${fmt(ratio)} (target ≥ 0.50) ${ratio >= 0.5 ? 'PASS' : 'BELOW TARGET'}`);
      return ratio;
    } finally {
      await baseline.stop();
    }
  } finally {
    await scryon.stop();
  }
}

/** Uploads the 50 short calls a poll asks for, and the poll's URL. */
export async function bulkStatusUrl(baseUrl: string, headers: Record<string, string>): Promise<string> {
  const ids: string[] = [];
  for (let i = 0; i < 50; i += 1) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(wavBytes(0.2))], { type: 'audio/wav' }), 'a.wav');
    const response = await fetch(`${baseUrl}/api/calls/analyze`, { method: 'POST', body: form, headers });
    if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
    ids.push(((await response.json()) as { callId: string }).callId);
  }
  return `${baseUrl}/api/calls/status?ids=${ids.join(',')}`;
}

interface MeasuredWindow extends LoadResult {
  serverCpuMs: number;
}

/** One window of load on one server, with the CPU time its process spent meanwhile. */
async function loadWindow({
  server,
  url,
  headers,
}: {
  server: ServerProcess;
  url: string;
  headers: Record<string, string>;
}): Promise<MeasuredWindow> {
  const cpuBefore = server.cpuMs();
  const result = await runLoad({ url, headers, concurrency: CONCURRENCY, seconds: WINDOW_SECONDS });
  const cpuAfter = server.cpuMs();
  return { ...result, serverCpuMs: cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system };
}

/**
 * Throughput and latency, then server CPU per request and how busy that kept
 * it: a server well short of a whole core was waiting on this load generator,
 * not the other way round.
 */
function describeWindows(windows: MeasuredWindow[]): string {
  const load = summarizeLoad(windows);
  const cpuMs = windows.reduce((total, window) => total + window.serverCpuMs, 0);
  const requests = windows.reduce((total, window) => total + window.requests, 0);
  const seconds = windows.reduce((total, window) => total + window.seconds, 0);
  const percentOfCore = (cpuMs / (seconds * 1000)) * 100;
  return (
    `${fmt(load.throughput, 0)} req/s  p50 ${fmt(load.p50Ms)} ms  p99 ${fmt(load.p99Ms)} ms  errors ${load.errors}  ` +
    `server CPU ${fmt((cpuMs * 1000) / requests, 0)} µs per request, ${fmt(percentOfCore, 0)}% of a core`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBulkStatus();
