// Records the workflow histories that test/integration/pipeline/replay.test.ts
// replays against the current workflow code, so a non-deterministic change to
// workflows/ fails CI before it strands a running call.
//
//   npx node scripts/record-histories.ts              record every case that has no fixture yet
//   npx node scripts/record-histories.ts <case> ...   only these:
//   `<workflowType>-<case>` or a bare `<case>` (every type's)
//   npx node scripts/record-histories.ts --force ...  overwrite existing fixtures
//
// A recorded history is a fact about the code that was running when it was
// recorded. Nothing has run in production yet, so there are no old runs to
// protect: a change the replay refuses re-records every fixture (--force),
// with no patched() branch kept for them. From the first deployment on, keep
// the fixtures of code that ran, make a change replay-safe (a patched() branch,
// a new workflow type) and record new cases beside them.
//
// Everything runs on this machine: a Temporal dev server (or TEMPORAL_ADDRESS),
// a scratch database on the PostgreSQL at TEST_POSTGRES_URL (the suite's;
// default postgresql://postgres@127.0.0.1:5432/postgres), local object
// storage, the sandbox providers (loopback fakes of Lemonfox, pyannoteAI and
// OpenAI, faults scripted per case) and the production workflow bundle.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { startScryon, type RunningScryon } from '../src/app/start-scryon.ts';
import { loadConfig } from '../src/config/config.ts';
import { bundleWorkflows } from '../src/pipeline/worker/pipeline-worker.ts';
import { SWEEPS, sweepScheduleId } from '../src/pipeline/sweeps/sweep-schedules.ts';
import {
  resolveTemporalCli,
  startTemporalDevServer,
  type TemporalDevServer,
} from '../src/pipeline/runtime/temporal-runtime.ts';
import { callDeletionWorkflowId } from '../src/pipeline/delete-call/deletion-runs.ts';
import { callWorkflowId, reanalysisWorkflowId } from '../src/pipeline/process-call/call-runs.ts';
import { webhookDeliveryWorkflowId } from '../src/pipeline/webhook-delivery/delivery-runs.ts';
import { startSandboxProviders, type SandboxProviders } from '../src/providers/sandbox/sandbox-providers.ts';
import { HISTORIES_DIR, historyToFixtureJson } from '../test/fixtures/histories/history-json.ts';
import { createScratchDatabase, type ScratchDatabase } from '../test/harness/scratch-database.ts';
import { startWebhookReceiver } from '../test/harness/webhook-receiver.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const AUDIO = path.join(ROOT, 'test/fixtures/audio/two-party-call.wav');

interface Recorder {
  scryon: RunningScryon;
  fakes: SandboxProviders;
  url: string;
}

/** What each case leaves behind: the workflow whose history is the fixture. */
interface Recorded {
  workflowId: string;
  runId?: string;
}

interface Case {
  /** The fixture is `<workflowType>-<name>.json`. */
  workflowType:
    | 'processCallWorkflow'
    | 'reanalyzeCallWorkflow'
    | 'sweepWorkflow'
    | 'deleteCallWorkflow'
    | 'webhookDeliveryWorkflow';
  name: string;
  run(recorder: Recorder): Promise<Recorded>;
}

/** One upload followed to `status`, with the provider faults `arrange` scripts first. */
function callEndingIn(status: 'COMPLETED' | 'FAILED', arrange: (fakes: SandboxProviders) => void = () => undefined) {
  return async (recorder: Recorder): Promise<Recorded> => {
    arrange(recorder.fakes);
    const callId = await submitCall(recorder);
    await waitForStatus(recorder, callId, status);
    // The row is terminal before the run has taken its last workflow task (the status's upsert, the completion).
    await recorder.scryon.temporal.client.workflow.getHandle(callWorkflowId(callId)).result();
    return { workflowId: callWorkflowId(callId) };
  };
}

/** A call deleted while its transcription request hangs at the provider; answers its id once the DELETE is 204. */
async function deleteMidTranscription(recorder: Recorder): Promise<string> {
  recorder.fakes.lemonfox.failNext('transcribe', { hang: true });
  const callId = await submitCall(recorder);
  await waitForStatus(recorder, callId, 'TRANSCRIBING');
  await waitUntil(
    () => recorder.fakes.lemonfox.requests.some((request) => request.route === 'transcribe'),
    'the transcription request',
  );
  const response = await fetch(`${recorder.url}/api/calls/${callId}`, {
    method: 'DELETE',
    signal: AbortSignal.timeout(60_000),
  });
  if (response.status !== 204) throw new Error(`DELETE answered ${response.status}: ${await response.text()}`);
  return callId;
}

const CASES: Case[] = [
  { workflowType: 'processCallWorkflow', name: 'completed', run: callEndingIn('COMPLETED') },
  // A soft stage: pyannote down, the Lemonfox speaker labels stand in and the call completes DEGRADED.
  {
    workflowType: 'processCallWorkflow',
    name: 'diarization-failed',
    run: callEndingIn('COMPLETED', (fakes) => fakes.pyannote.failAlways('diarize', { status: 503 })),
  },
  {
    workflowType: 'processCallWorkflow',
    name: 'transcription-failed',
    run: callEndingIn('FAILED', (fakes) => fakes.lemonfox.failAlways('transcribe', { status: 400 })),
  },
  // Fails after ANALYZING, once the analysis retry policy is spent.
  {
    workflowType: 'processCallWorkflow',
    name: 'analysis-failed',
    run: callEndingIn('FAILED', (fakes) => fakes.openai.failAlways('chat', { invalidContent: true })),
  },
  {
    workflowType: 'processCallWorkflow',
    name: 'cancelled',
    async run(recorder) {
      // Deleting a call mid-transcription cancels its workflow (and waits for the activity to stop).
      const callId = await deleteMidTranscription(recorder);
      const handle = recorder.scryon.temporal.client.workflow.getHandle(callWorkflowId(callId));
      await waitUntil(async () => (await handle.describe()).status.name === 'CANCELLED', 'the cancelled workflow');
      return { workflowId: callWorkflowId(callId) };
    },
  },
  {
    workflowType: 'deleteCallWorkflow',
    name: 'in-flight',
    async run(recorder) {
      // The clean-up of a call deleted mid-transcription: it stops the call's run, then removes what is left.
      const callId = await deleteMidTranscription(recorder);
      await recorder.scryon.temporal.client.workflow.getHandle(callDeletionWorkflowId(callId)).result();
      return { workflowId: callDeletionWorkflowId(callId) };
    },
  },
  {
    workflowType: 'reanalyzeCallWorkflow',
    name: 'completed',
    async run(recorder) {
      const callId = await submitCall(recorder);
      await waitForStatus(recorder, callId, 'COMPLETED');
      const response = await fetch(`${recorder.url}/api/calls/${callId}/reanalyze`, {
        method: 'POST',
        signal: AbortSignal.timeout(60_000),
      });
      if (response.status !== 200) throw new Error(`reanalyze answered ${response.status}: ${await response.text()}`);
      return { workflowId: reanalysisWorkflowId(callId) };
    },
  },
  {
    workflowType: 'sweepWorkflow',
    name: 'stalled-calls',
    async run(recorder) {
      // Started the way production starts it: by its Temporal Schedule.
      const client = recorder.scryon.temporal.client;
      const handle = client.schedule.getHandle(
        sweepScheduleId(recorder.scryon.config.temporal.taskQueue, 'stalled_calls'),
      );
      const before = (await handle.describe()).info.recentActions.length;
      await handle.trigger();
      let started: Recorded | undefined;
      await waitUntil(async () => {
        const description = await handle.describe();
        const latest = description.info.recentActions.at(-1);
        if (description.info.recentActions.length <= before || !latest) return false;
        started = { workflowId: latest.action.workflow.workflowId, runId: latest.action.workflow.firstExecutionRunId };
        return true;
      }, 'the scheduled sweep');
      await client.workflow.getHandle(started!.workflowId, started!.runId).result();
      return started!;
    },
  },
  {
    workflowType: 'webhookDeliveryWorkflow',
    name: 'retried',
    async run(recorder) {
      // A test event to a receiver that answers 500 once: attempt, timer, attempt.
      const receiver = await startWebhookReceiver();
      try {
        receiver.faults.push({ status: 500 });
        const post = async (path: string, body?: unknown) => {
          const response = await fetch(`${recorder.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body ?? {}),
            signal: AbortSignal.timeout(60_000),
          });
          if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
          return (await response.json()) as { id: string; eventType: string };
        };
        const endpoint = await post('/api/webhooks', { url: `${receiver.url}/`, eventTypes: ['call.completed'] });
        const delivery = await post(`/api/webhooks/${endpoint.id}/test`);
        const workflowId = webhookDeliveryWorkflowId(delivery);
        // The dispatcher starts the run: once it has drained, the run exists.
        await recorder.scryon.webhookDispatcher?.drain();
        await recorder.scryon.temporal.client.workflow.getHandle(workflowId).result();
        return { workflowId };
      } finally {
        await receiver.close();
      }
    },
  },
];

const fixtureName = (recordCase: Case) => `${recordCase.workflowType}-${recordCase.name}.json`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const names = args.filter((arg) => arg !== '--force');
  const known = new Set(
    CASES.flatMap((recordCase) => [recordCase.name, fixtureName(recordCase).replace(/\.json$/, '')]),
  );
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new Error(
      `unknown case ${unknown.join(', ')}; ` +
        `cases: ${CASES.map((c) => fixtureName(c).replace(/\.json$/, '')).join(', ')}`,
    );
  const selected = CASES.filter(
    (recordCase) =>
      names.length === 0 ||
      names.includes(recordCase.name) ||
      names.includes(fixtureName(recordCase).replace(/\.json$/, '')),
  );
  const todo = selected.filter((recordCase) => {
    const exists = existsSync(path.join(HISTORIES_DIR, fixtureName(recordCase)));
    if (exists && !force) console.log(`keep    ${fixtureName(recordCase)} (exists; --force overwrites)`);
    return force || !exists;
  });
  if (todo.length === 0) return;

  mkdirSync(HISTORIES_DIR, { recursive: true });
  const suffix = randomBytes(4).toString('hex');
  const taskQueue = `scryon-record-${suffix}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scryon-record-'));
  let temporal: TemporalDevServer | undefined;
  let fakes: SandboxProviders | undefined;
  let database: ScratchDatabase | undefined;
  let scryon: RunningScryon | undefined;
  try {
    if (!process.env.TEMPORAL_ADDRESS) {
      temporal = await startTemporalDevServer({
        executable: await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH),
        logLevel: 'error',
      });
    }
    fakes = await startSandboxProviders();
    database = await createScratchDatabase('scryon_record');
    const config = loadConfig({
      SCRYON_PROFILE: 'dev',
      SCRYON_DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? (temporal as TemporalDevServer).address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.url,
      OBJECT_STORAGE_PROVIDER: 'local',
      OBJECT_STORAGE_LOCAL_PATH: path.join(dataDir, 'storage'),
      // The real provider clients against the sandbox fakes, as test/harness/pipeline-app.ts wires them.
      SCRYON_SANDBOX_PROVIDERS: 'false',
      LEMONFOX_API_KEY: 'sandbox-lemonfox-key',
      LEMONFOX_BASE_URL: fakes.lemonfoxBaseUrl,
      PYANNOTE_ENABLED: 'true',
      PYANNOTE_API_KEY: 'sandbox-pyannote-key',
      PYANNOTE_BASE_URL: fakes.pyannoteBaseUrl,
      OPENAI_API_KEY: 'sandbox-openai-key',
      OPENAI_BASE_URL: fakes.openaiBaseUrl,
      SCRYON_DIARIZATION_POLL_INTERVAL_SECONDS: '0.05',
      SCRYON_VOICE_EMBEDDING_ENABLED: 'false',
      SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      SCRYON_WEBHOOK_RETRY_BASE_SECONDS: '0.2',
    });
    // The production bundle: exactly the workflow code a production worker runs.
    scryon = await startScryon(
      config,
      { api: true, worker: true },
      { workflowBundle: await bundleWorkflows(), listen: { port: 0, host: '127.0.0.1' } },
    );
    const recorder: Recorder = { scryon, fakes, url: scryon.url as string };

    for (const recordCase of todo) {
      fakes.lemonfox.reset();
      fakes.pyannote.reset();
      fakes.openai.reset();
      const recorded = await recordCase.run(recorder);
      const handle = scryon.temporal.client.workflow.getHandle(recorded.workflowId, recorded.runId);
      const history: History = await handle.fetchHistory();
      const recordedType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
      if (recordedType !== recordCase.workflowType)
        throw new Error(`${fixtureName(recordCase)}: recorded a ${recordedType} history`);
      const file = path.join(HISTORIES_DIR, fixtureName(recordCase));
      writeFileSync(file, historyToFixtureJson(history));
      console.log(
        `wrote   ${path.relative(ROOT, file)} (${history.events?.length} ` +
          `events, ${Math.round(readFileSync(file).length / 1024)} KB)`,
      );
    }
  } finally {
    if (scryon) {
      // The sweep Schedules would outlive this run on a shared TEMPORAL_ADDRESS.
      for (const sweep of SWEEPS) {
        await scryon.temporal.client.schedule
          .getHandle(sweepScheduleId(taskQueue, sweep.kind))
          .delete()
          .catch(() => undefined);
      }
      await scryon.close();
    }
    await fakes?.close();
    await temporal?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function submitCall(recorder: Recorder): Promise<string> {
  const form = new FormData();
  form.append(
    'metadata',
    new Blob([JSON.stringify({ contactName: 'Ravi', direction: 'INCOMING' })], { type: 'application/json' }),
  );
  form.append('file', new Blob([new Uint8Array(readFileSync(AUDIO))], { type: 'audio/wav' }), 'call.wav');
  const response = await fetch(`${recorder.url}/api/calls/analyze`, {
    method: 'POST',
    body: form,
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as { callId?: string };
  if (response.status !== 202 || !body.callId)
    throw new Error(`upload answered ${response.status}: ${JSON.stringify(body)}`);
  return body.callId;
}

async function waitForStatus(recorder: Recorder, callId: string, status: string): Promise<void> {
  let last = 'unknown';
  await waitUntil(async () => {
    const body = (await (
      await fetch(`${recorder.url}/api/calls/status?ids=${callId}`, { signal: AbortSignal.timeout(10_000) })
    ).json()) as { items: Array<{ status: string }> };
    last = body.items[0]?.status ?? 'missing';
    if (status !== 'FAILED' && last === 'FAILED') throw new Error(`call ${callId} FAILED, expected ${status}`);
    return last === status;
  }, `call ${callId} to reach ${status} (last ${last})`);
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

await main();
