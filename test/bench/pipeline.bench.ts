import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { resolveTemporalCli, startTemporalDevServer } from '../../src/pipeline/runtime/temporal-runtime.ts';
import { wavBytes } from '../harness/audio.ts';
import { benchEnv } from './bench-env.ts';
import { fmt, median } from './load.ts';
import { startServerProcess } from './server-process.ts';

const SEQUENTIAL = Number(process.env.BENCH_PIPELINE_CALLS ?? 10);
const BURST = Number(process.env.BENCH_BURST_CALLS ?? 100);
/**
 * Activities a call runs: status, preprocess, diarize, transcribe, voice, transcript, status, analyze, items, finish.
 */
const PIPELINE_ACTIVITIES = 10;
const MB = 1024 * 1024;

/**
 * With zero-latency provider sandboxes: the median time from the 202 to
 * COMPLETED, against a workflow of the same number of no-op activities on the
 * same Temporal server (target ≤ 2×); then a burst of 100 calls at once,
 * reporting calls per minute and the worker's peak RSS.
 */
export async function benchPipeline(): Promise<{ ratio: number }> {
  const temporal = await startTemporalDevServer({
    executable: await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH),
    logLevel: 'error',
  });
  const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
  const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
  const scryon = await startServerProcess(
    path.resolve('test/bench/scryon-server.ts'),
    await benchEnv({ BENCH_WORKER: 'true', TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue }),
  );
  try {
    const audio = new Uint8Array(wavBytes(3));
    const submit = async () => {
      const form = new FormData();
      form.append('metadata', new Blob([JSON.stringify({ direction: 'OUTGOING' })], { type: 'application/json' }));
      form.append('file', new Blob([audio], { type: 'audio/wav' }), 'call.wav');
      const response = await fetch(`${scryon.url}/api/calls/analyze`, { method: 'POST', body: form });
      return ((await response.json()) as { callId: string }).callId;
    };
    const waitAll = async (ids: string[]) => {
      const pending = new Set(ids);
      while (pending.size > 0) {
        const batch = [...pending].slice(0, 100);
        const body = (await (await fetch(`${scryon.url}/api/calls/status?ids=${batch.join(',')}`)).json()) as {
          items: Array<{ callId: string; status: string }>;
        };
        for (const item of body.items) {
          if (item.status === 'FAILED') throw new Error(`call ${item.callId} failed`);
          if (item.status === 'COMPLETED') pending.delete(item.callId);
        }
        if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    await waitAll([await submit()]);
    const pipeline: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i += 1) {
      const started = performance.now();
      await waitAll([await submit()]);
      pipeline.push(performance.now() - started);
    }
    const calibration: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i += 1) {
      const started = performance.now();
      await client.workflow.execute('calibrationWorkflow', {
        taskQueue,
        workflowId: `calibration-${randomUUID()}`,
        args: [PIPELINE_ACTIVITIES],
      });
      calibration.push(performance.now() - started);
    }
    const ratio = median(pipeline) / median(calibration);

    scryon.resetPeakRss();
    const rssBefore = scryon.rss();
    const burstStarted = performance.now();
    const ids = await Promise.all(Array.from({ length: BURST }, submit));
    await waitAll(ids);
    const burstMinutes = (performance.now() - burstStarted) / 60_000;
    // A row reads COMPLETED just before its workflow returns: let every workflow
    // close, untimed, so stopping the worker cancels nothing in flight.
    await Promise.all(ids.map((callId) => client.workflow.getHandle(`call-${callId}`).result()));

    console.log(
      `pipeline (sandbox providers, ${SEQUENTIAL} calls one at a time, ${PIPELINE_ACTIVITIES} activities each)`,
    );
    console.log(`  202 → COMPLETED median ${fmt(median(pipeline), 0)} ms`);
    console.log(`  ${PIPELINE_ACTIVITIES} no-op activities median ${fmt(median(calibration), 0)} ms`);
    console.log(`  ratio ${fmt(ratio)} (target ≤ 2.00) ${ratio <= 2 ? 'PASS' : 'ABOVE TARGET'}`);
    console.log(
      `burst: ${BURST} calls at once, all COMPLETED in ${fmt(burstMinutes * 60, 1)} s ` +
        `= ${fmt(BURST / burstMinutes, 0)} calls/min`,
    );
    console.log(
      `  API+worker process RSS ${fmt(rssBefore / MB, 0)} MB before, peak ${fmt(scryon.peakRss() / MB, 0)} MB`,
    );
    return { ratio };
  } finally {
    await scryon.stop();
    await client.connection.close();
    await temporal.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPipeline();
