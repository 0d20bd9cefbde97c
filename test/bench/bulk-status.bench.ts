import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { wavBytes } from '../harness/audio.ts';
import { benchEnv } from './bench-env.ts';
import { fmt, runLoad } from './load.ts';
import { startServerProcess } from './server-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = 16;

/**
 * GET /api/calls/status with 50 ids through the whole Scryon stack
 * (authentication, validation, one indexed query) against a bare node:http
 * server answering the same bytes. Target: ratio ≥ 0.5.
 */
export async function benchBulkStatus(): Promise<{ ratio: number }> {
  const scryon = await startServerProcess(path.resolve('test/bench/scryon-server.ts'), await benchEnv());
  try {
    const ids: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(wavBytes(0.2))], { type: 'audio/wav' }), 'a.wav');
      const response = await fetch(`${scryon.url}/api/calls/analyze`, { method: 'POST', body: form });
      ids.push(((await response.json()) as { callId: string }).callId);
    }
    const statusUrl = `${scryon.url}/api/calls/status?ids=${ids.join(',')}`;
    const bodyFile = path.join(tmpdir(), `scryon-bench-status-${process.pid}.json`);
    const reference = await fetch(statusUrl);
    writeFileSync(bodyFile, Buffer.from(await reference.arrayBuffer()));
    const baseline = await startServerProcess(path.resolve('test/bench/baseline-server.ts'), { BASELINE_BODY_FILE: bodyFile });
    try {
      await runLoad({ url: statusUrl, concurrency: CONCURRENCY, seconds: 1 });
      await runLoad({ url: `${baseline.url}/`, concurrency: CONCURRENCY, seconds: 1 });
      const ours = await runLoad({ url: statusUrl, concurrency: CONCURRENCY, seconds: SECONDS });
      const bare = await runLoad({ url: `${baseline.url}/`, concurrency: CONCURRENCY, seconds: SECONDS });
      const ratio = ours.throughput / bare.throughput;
      console.log(`bulk status (50 ids, ${CONCURRENCY} concurrent, ${SECONDS}s each)`);
      console.log(`  scryon   ${fmt(ours.throughput, 0)} req/s  p50 ${fmt(ours.p50Ms)} ms  p99 ${fmt(ours.p99Ms)} ms  errors ${ours.errors}`);
      console.log(`  node:http ${fmt(bare.throughput, 0)} req/s  p50 ${fmt(bare.p50Ms)} ms  p99 ${fmt(bare.p99Ms)} ms  errors ${bare.errors}`);
      console.log(`  ratio    ${fmt(ratio)} (target ≥ 0.50) ${ratio >= 0.5 ? 'PASS' : 'BELOW TARGET'}`);
      return { ratio };
    } finally {
      await baseline.stop();
    }
  } finally {
    await scryon.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBulkStatus();
