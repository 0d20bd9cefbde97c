import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import {
  resolveTemporalCli,
  startTemporalDevServer,
  type TemporalDevServer,
} from '../../src/pipeline/runtime/temporal-runtime.ts';
import { DOCUMENTED_LIMITS } from '../../src/providers/sandbox/fake-rate-limits.ts';
import { startFakeGcs, type FakeGcs } from '../harness/fake-gcs.ts';
import { FIREBASE_TEST_PROJECT, startFirebaseEmulator, type FirebaseEmulator } from '../harness/firebase-emulator.ts';
import { freePort } from '../harness/free-port.ts';
import { longRecordings, type LongRecording } from '../harness/long-recordings.ts';
import { createScratchDatabase } from '../harness/scratch-database.ts';
import { fmt, median } from './load.ts';
import { cpuBetween, cpuSnapshot, type CpuUse } from './machine-cpu.ts';
import { startRoleProcess, type LoopDelay, type RoleProcess } from './scryon-role-process.ts';
import { summarizeHistories, type HistorySummary } from './workflow-histories.ts';

const CALLS = Number(process.env.BENCH_LOAD_CALLS ?? 50);
const MODES = (process.env.BENCH_LOAD_MODES ?? 'one,separate').split(',') as Mode[];
export const DURATIONS_SECONDS = [60, 90, 120, 150, 180];
const IDLE_PROBE_SECONDS = 10;
/** The status probe's pause between requests: a client polling often, not a load generator. */
const PROBE_PAUSE_MS = 100;
const STATUS_TARGET_MS = 250;
/** BENCH_PYANNOTE_WEBHOOK=1: diarization jobs announce their end by webhook instead of being polled. */
const WEBHOOK = process.env.BENCH_PYANNOTE_WEBHOOK === '1';
const MB = 1024 * 1024;

type Mode = 'one' | 'separate';
const MODE_NAMES: Record<Mode, string> = {
  one: 'one process (`npm start`, role all)',
  separate: 'separate processes (`npm run start:api` + `npm run start:worker`)',
};

interface World {
  temporal: TemporalDevServer;
  client: Client;
  firebase: FirebaseEmulator;
  gcs: FakeGcs;
  fakes: FakesProcess;
  token: string;
  recordings: LongRecording[];
  workDir: string;
}

interface FakesProcess {
  child: ChildProcess;
  urls: { lemonfoxBaseUrl: string; pyannoteBaseUrl: string; openaiBaseUrl: string; controlUrl: string };
  latencyMs: Record<string, number>;
  counts(): Promise<Record<string, Record<string, number>>>;
}

interface BurstResult {
  mode: Mode;
  warmupSeconds: number;
  completed: number;
  failed: Array<{ callId: string; errorReason: string | null }>;
  uploadErrors: string[];
  seconds: number;
  callsPerMinute: number;
  toCompletedMs: number[];
  statusIdleMs: number[];
  statusBurstMs: number[];
  paid: { transcribe: number; diarize: number; chat: number };
  readableTranscripts: number;
  diarizedByPyannote: number;
  processes: Array<{ label: string; rssBefore: number; peakRss: number; loop: LoopDelay; logFile: string }>;
  histories: HistorySummary;
  /** `stage status error_code` → events: the stages that failed or degraded inside an activity. */
  stageTroubles: Array<{ stage: string; status: string; errorCode: string | null; count: number }>;
  /**
   * Every provider request of the burst by provider and route (2xx
   * only), and the 429s its documented limit caused (`over-limit`).
   */
  providerRequests: Record<string, Record<string, number>>;
  /** The whole machine's CPU during the burst, by process. */
  cpu: CpuUse;
}

/**
 * Issue 13's burst: CALLS recordings of one to three minutes uploaded at
 * once, each taken to COMPLETED by the real `src/main.ts` against provider
 * fakes over HTTP with realistic latency, on PostgreSQL, fake-gcs-server, the
 * Firebase Auth emulator and an external Temporal dev server. Run with API
 * and worker in one process and as two; the baselines are the one-process
 * run's calls/min and each run's status latency while idle.
 */
export async function benchBurst(): Promise<{ results: BurstResult[] }> {
  const world = await startWorld();
  const results: BurstResult[] = [];
  try {
    printHeader(world);
    for (const mode of MODES) {
      const result = await runMode(world, mode);
      results.push(result);
      printResult(result);
    }
    printComparison(results);
    return { results };
  } finally {
    await stopWorld(world);
  }
}

async function startWorld(): Promise<World> {
  const [temporal, firebase, gcs, fakes, recordings] = await Promise.all([
    startTemporalDevServer({ executable: await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH), logLevel: 'error' }),
    startFirebaseEmulator(),
    startFakeGcs(),
    startFakesProcess(),
    longRecordings(DURATIONS_SECONDS),
  ]);
  const token = await signUp(firebase.host);
  return {
    temporal,
    client: new Client({ connection: await Connection.connect({ address: temporal.address }) }),
    firebase,
    gcs,
    fakes,
    token,
    recordings,
    workDir: mkdtempSync(path.join(os.tmpdir(), 'scryon-burst-')),
  };
}

async function stopWorld(world: World): Promise<void> {
  world.fakes.child.kill('SIGTERM');
  await world.client.connection.close();
  await Promise.allSettled([world.temporal.stop(), world.firebase.stop(), world.gcs.stop()]);
}

async function startFakesProcess(): Promise<FakesProcess> {
  const child = spawn(process.execPath, [path.resolve('test/bench/provider-fakes-process.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (text) => text.startsWith('FAKES ') && resolve(text.slice(6)));
    child.once('exit', (code) => reject(new Error(`provider fakes exited with ${code}`)));
  });
  const { latencyMs, ...urls } = JSON.parse(line) as FakesProcess['urls'] & { latencyMs: Record<string, number> };
  return {
    child,
    urls,
    latencyMs,
    counts: async () =>
      (await fetch(`${urls.controlUrl}/counts`)).json() as Promise<Record<string, Record<string, number>>>,
  };
}

async function signUp(emulatorHost: string): Promise<string> {
  const response = await fetch(
    `http://${emulatorHost}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `burst-${randomUUID().slice(0, 8)}@example.test`,
        password: 'secret-password',
        returnSecureToken: true,
      }),
    },
  );
  const body = (await response.json()) as { idToken?: string };
  if (!body.idToken) throw new Error(`emulator sign-up failed: ${JSON.stringify(body)}`);
  return body.idToken;
}

/**
 * The production shape, as far as this machine allows: only the profile (dev, for the emulator) and the fakes differ.
 */
function scryonEnv(world: World, databaseUrl: string, port: number): Record<string, string> {
  const fakes = world.fakes.urls;
  return {
    SCRYON_PROFILE: 'dev',
    SCRYON_DATA_DIR: mkdtempSync(path.join(world.workDir, 'data-')),
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: world.temporal.address,
    TEMPORAL_TASK_QUEUE: `burst-${randomBytes(4).toString('hex')}`,
    FIREBASE_PROJECT_ID: FIREBASE_TEST_PROJECT,
    FIREBASE_AUTH_EMULATOR_HOST: world.firebase.host,
    OBJECT_STORAGE_PROVIDER: 'gcs',
    GCS_BUCKET: `scryon-burst-${randomBytes(4).toString('hex')}`,
    GCS_API_ENDPOINT: world.gcs.endpoint,
    GOOGLE_CLOUD_PROJECT: 'scryon-bench',
    SCRYON_SANDBOX_PROVIDERS: 'false',
    LEMONFOX_API_KEY: 'bench-lemonfox-key',
    LEMONFOX_BASE_URL: fakes.lemonfoxBaseUrl,
    PYANNOTE_ENABLED: 'true',
    PYANNOTE_API_KEY: 'bench-pyannote-key',
    PYANNOTE_BASE_URL: fakes.pyannoteBaseUrl,
    OPENAI_API_KEY: 'bench-openai-key',
    OPENAI_BASE_URL: fakes.openaiBaseUrl,
    // pyannoteAI's job webhook instead of polling, as a deployment with a
    // public URL has it (the fakes sign with their default secret).
    ...(WEBHOOK
      ? {
          SCRYON_PROVIDER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
          PYANNOTE_WEBHOOK_SECRET: 'sandbox-webhook-secret',
        }
      : {}),
    // One user uploading a backlog and polling it is the load, not abuse: the limiter still runs, and never refuses.
    SCRYON_RATE_LIMIT_IP_PER_MINUTE: '1000000000',
    SCRYON_RATE_LIMIT_USER_PER_MINUTE: '1000000000',
  };
}

async function startProcesses(
  mode: Mode,
  env: Record<string, string>,
  workDir: string,
): Promise<{ url: string; processes: RoleProcess[] }> {
  const url = `http://127.0.0.1:${env.PORT}`;
  if (mode === 'one') return { url, processes: [await startRoleProcess('all', env, workDir)] };
  // The API first, so the worker's start-up (workflow bundling) is not in the same seconds as the API's.
  const api = await startRoleProcess('api', env, workDir);
  return { url, processes: [api, await startRoleProcess('worker', env, workDir)] };
}

async function runMode(world: World, mode: Mode): Promise<BurstResult> {
  const database = await createScratchDatabase('scryon_burst');
  const workDir = mkdtempSync(path.join(world.workDir, `${mode}-`));
  const { url, processes } = await startProcesses(mode, scryonEnv(world, database.url, await freePort()), workDir);
  try {
    const client = new CallsClient(url, world.token);
    const warmupStarted = performance.now();
    const warmup = await client.submit(world.recordings[0]!);
    if (!warmup.callId) throw new Error(`the warm-up upload failed: ${warmup.error}`);
    await client.waitTerminal([warmup.callId]);
    const warmupSeconds = (performance.now() - warmupStarted) / 1000;

    // The same request shape as during the burst: CALLS ids, only the warm-up call's known yet.
    const idleIds = [warmup.callId, ...Array.from({ length: CALLS - 1 }, () => randomUUID())];
    const statusIdleMs = await client.probeFor(idleIds, IDLE_PROBE_SECONDS * 1000);

    const countsBefore = await world.fakes.counts();
    for (const server of processes) server.resetPeakRss();
    const rssBefore = processes.map((server) => server.rss());
    await Promise.all(processes.map((server) => server.loopDelay()));

    const cpuBefore = cpuSnapshot();
    const burst = await client.burst(world.recordings, CALLS, warmup.callId);
    const cpu = cpuBetween(cpuBefore, cpuSnapshot(), processLabels(world, processes));

    const loops = await Promise.all(processes.map((server) => server.loopDelay()));
    const countsAfter = await world.fakes.counts();
    const accepted = burst.accepted.map((call) => call.callId);
    // A row reads COMPLETED just before its workflow returns: let every workflow close, untimed, before stopping.
    await Promise.allSettled(accepted.map((callId) => world.client.workflow.getHandle(`call-${callId}`).result()));
    const checks = await client.checkCalls(accepted, burst.statuses);
    const histories = await summarizeHistories(world.client, accepted);
    const stageTroubles = await stageEventTroubles(database.url);
    const paid = (provider: string, route: string) =>
      (countsAfter[provider]?.[route] ?? 0) - (countsBefore[provider]?.[route] ?? 0);

    return {
      mode,
      warmupSeconds,
      completed: accepted.filter((callId) => burst.statuses.get(callId) === 'COMPLETED').length,
      failed: checks.failed,
      uploadErrors: burst.uploadErrors,
      seconds: burst.seconds,
      callsPerMinute: (accepted.length / burst.seconds) * 60,
      toCompletedMs: burst.accepted
        .filter((call) => call.completedAt !== undefined)
        .map((call) => call.completedAt! - call.acceptedAt),
      statusIdleMs,
      statusBurstMs: burst.statusMs,
      paid: {
        transcribe: paid('lemonfox', 'transcribe'),
        diarize: paid('pyannote', 'diarize'),
        chat: paid('openai', 'chat'),
      },
      readableTranscripts: checks.readableTranscripts,
      diarizedByPyannote: checks.diarizedByPyannote,
      processes: processes.map((server, index) => ({
        label: server.role === 'all' ? 'API+worker' : server.role === 'api' ? 'API' : 'worker',
        rssBefore: rssBefore[index]!,
        peakRss: server.peakRss(),
        loop: loops[index]!,
        logFile: server.logFile,
      })),
      histories,
      stageTroubles,
      providerRequests: Object.fromEntries(
        Object.entries(countsAfter).map(([provider, routes]) => [
          provider,
          Object.fromEntries(Object.keys(routes).map((route) => [route, paid(provider, route)])),
        ]),
      ),
      cpu,
    };
  } finally {
    for (const server of [...processes].reverse()) await server.stop();
    await database.drop();
  }
}

/**
 * The requests a call spends of pyannoteAI's per-key limit: every API
 * request counts, the presigned upload (another host) does not.
 */
function pyannoteRequestsPerCall(result: BurstResult): number {
  const { upload: _upload, 'over-limit': _refused, ...counted } = result.providerRequests.pyannote ?? {};
  return Object.values(counted).reduce((sum, count) => sum + count, 0) / Math.max(1, result.completed);
}

/** The calls a minute pyannoteAI's documented limit lets through at this burst's requests per call. */
export function pyannoteCeiling(result: BurstResult): number {
  return DOCUMENTED_LIMITS.pyannote!.requests / pyannoteRequestsPerCall(result);
}

/** Names for the machine's processes: Scryon's by role, the rest of the world by what it is. */
function processLabels(world: World, processes: RoleProcess[]): (pid: number, name: string) => string | undefined {
  const byPid = new Map<number, string>(
    processes.map((server) => [
      server.child.pid!,
      server.role === 'all'
        ? 'Scryon API+worker (ffmpeg included)'
        : server.role === 'api'
          ? 'Scryon API'
          : 'Scryon worker (ffmpeg included)',
    ]),
  );
  byPid.set(process.pid, 'this bench (uploads, status polling)');
  if (world.fakes.child.pid) byPid.set(world.fakes.child.pid, 'provider fakes');
  const byName: Array<[RegExp, string]> = [
    [/^postgres/, 'PostgreSQL'],
    [/^temporal/, 'Temporal dev server'],
    [/^java$/, 'Firebase Auth emulator'],
    [/^fake-gcs/, 'fake-gcs-server'],
    [/^redis/, 'Redis'],
  ];
  return (pid, name) => byPid.get(pid) ?? byName.find(([pattern]) => pattern.test(name))?.[1];
}

async function stageEventTroubles(databaseUrl: string): Promise<BurstResult['stageTroubles']> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ stage: string; status: string; error_code: string | null; count: string }>(
      `select stage, status, error_code, count(*) from call_processing_events where status in ('FAILED', 'SKIPPED') ` +
        `group by 1, 2, 3 order by 4 desc`,
    );
    return rows.map((row) => ({
      stage: row.stage,
      status: row.status,
      errorCode: row.error_code,
      count: Number(row.count),
    }));
  } finally {
    await client.end();
  }
}

interface AcceptedCall {
  callId: string;
  acceptedAt: number;
  completedAt?: number;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED']);

/** What a phone app does: uploads with its ID token, then polls bulk status. */
class CallsClient {
  private readonly url: string;
  private readonly token: string;

  constructor(url: string, token: string) {
    this.url = url;
    this.token = token;
  }

  private fetch(requestPath: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${requestPath}`, {
      ...init,
      headers: { authorization: `Bearer ${this.token}`, ...init.headers },
    });
  }

  async submit(recording: LongRecording): Promise<{ callId?: string; error?: string }> {
    const form = new FormData();
    form.append(
      'metadata',
      new Blob([JSON.stringify({ direction: 'OUTGOING', contactName: 'Ravi' })], { type: 'application/json' }),
    );
    form.append(
      'file',
      new Blob([new Uint8Array(recording.bytes)], { type: recording.contentType }),
      recording.filename,
    );
    try {
      const response = await this.fetch('/api/calls/analyze', { method: 'POST', body: form });
      const body = (await response.json()) as { callId?: string };
      if (response.status === 202 && body.callId) return { callId: body.callId };
      return { error: `${response.status} ${JSON.stringify(body)}` };
    } catch (error) {
      return { error: String(error) };
    }
  }

  /** One timed bulk-status poll (≤ 100 ids per request, as the API allows). */
  async status(ids: string[]): Promise<{ ms: number[]; statuses: Map<string, string> }> {
    const ms: number[] = [];
    const statuses = new Map<string, string>();
    for (let start = 0; start < ids.length; start += 100) {
      const started = performance.now();
      const response = await this.fetch(`/api/calls/status?ids=${ids.slice(start, start + 100).join(',')}`);
      const body = (await response.json()) as { items?: Array<{ callId: string; status: string }> };
      if (!response.ok) throw new Error(`GET /api/calls/status answered ${response.status}: ${JSON.stringify(body)}`);
      ms.push(performance.now() - started);
      for (const item of body.items ?? []) statuses.set(item.callId, item.status);
    }
    return { ms, statuses };
  }

  async probeFor(ids: string[], durationMs: number): Promise<number[]> {
    const latencies: number[] = [];
    const deadline = performance.now() + durationMs;
    while (performance.now() < deadline) {
      latencies.push(...(await this.status(ids)).ms);
      await pause(PROBE_PAUSE_MS);
    }
    return latencies;
  }

  async waitTerminal(ids: string[]): Promise<void> {
    while (![...(await this.status(ids)).statuses.values()].every((status) => TERMINAL.has(status))) await pause(500);
  }

  /** Uploads `count` recordings at once and polls until every accepted call is COMPLETED or FAILED. */
  async burst(recordings: LongRecording[], count: number, knownId: string) {
    const accepted: AcceptedCall[] = [];
    const uploadErrors: string[] = [];
    const statuses = new Map<string, string>();
    const statusMs: number[] = [];
    const started = performance.now();
    let uploading = true;
    const uploads = Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const result = await this.submit(recordings[index % recordings.length]!);
        if (result.callId) accepted.push({ callId: result.callId, acceptedAt: performance.now() });
        else uploadErrors.push(result.error ?? 'unknown');
      }),
    ).finally(() => (uploading = false));
    // The poll runs from the first byte of the burst, so the uploads' busiest seconds are measured too.
    while (uploading || accepted.some((call) => !TERMINAL.has(statuses.get(call.callId) ?? ''))) {
      const ids = [knownId, ...accepted.map((call) => call.callId)];
      const polled = await this.status(ids);
      const now = performance.now();
      statusMs.push(...polled.ms);
      for (const call of accepted) {
        const status = polled.statuses.get(call.callId) ?? 'missing';
        statuses.set(call.callId, status);
        if (status === 'COMPLETED') call.completedAt ??= now;
      }
      await pause(PROBE_PAUSE_MS);
    }
    await uploads;
    return { accepted, uploadErrors, statuses, statusMs, seconds: (performance.now() - started) / 1000 };
  }

  /** Every completed call's transcript is readable and was diarized by pyannote; every failed one names its reason. */
  async checkCalls(ids: string[], statuses: Map<string, string>) {
    let readableTranscripts = 0;
    let diarizedByPyannote = 0;
    const failed: Array<{ callId: string; errorReason: string | null }> = [];
    for (const callId of ids) {
      if (statuses.get(callId) !== 'COMPLETED') {
        const detail = (await (await this.fetch(`/api/calls/${callId}`)).json()) as {
          errorReason?: string | null;
          status?: string;
        };
        failed.push({ callId, errorReason: detail.errorReason ?? `status ${detail.status}` });
        continue;
      }
      const response = await this.fetch(`/api/calls/${callId}/transcript`);
      const transcript = (await response.json()) as {
        segments?: unknown[];
        pipeline?: { diarizationProvider?: string };
      };
      if (response.ok && (transcript.segments?.length ?? 0) > 0) readableTranscripts += 1;
      if (transcript.pipeline?.diarizationProvider === 'pyannote') diarizedByPyannote += 1;
    }
    return { readableTranscripts, diarizedByPyannote, failed };
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function printHeader(world: World): void {
  const cpu = os.cpus();
  const latency = world.fakes.latencyMs;
  console.log(
    `burst: ${CALLS} recordings of ${DURATIONS_SECONDS.join('/')} s (AAC in M4A, mono 8 kHz) uploaded at once by ` +
      `one Firebase-emulator user`,
  );
  console.log(
    `  path: real src/main.ts, profile dev (prod refuses the Auth emulator), PostgreSQL, fake-gcs-server, external ` +
      `Temporal dev server,`,
  );
  console.log(
    `        real provider clients → HTTP fakes in their own process (transcribe ${latency.transcribe} ms, diarize ` +
      `job ${latency.diarize} ms, chat ${latency.chat} ms)`,
  );
  const activities = process.env.SCRYON_WORKER_MAX_CONCURRENT_ACTIVITIES ?? 20;
  const diarization = WEBHOOK
    ? 'a diarization job announced by its webhook'
    : 'a diarization job polled from 2 s, doubling to 30 s';
  console.log(
    `  config: defaults (audio tools one per core, ${activities} activities per worker, ${diarization}); ` +
      "the providers' documented limits enforced by the fakes, Scryon's own per-user API limits raised",
  );
  console.log(
    `  machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 1024 ** 3, 0)} GB, ` +
      `Node ${process.version}`,
  );
}

function printResult(result: BurstResult): void {
  const statusP99 = percentile(result.statusBurstMs, 0.99);
  const idleP99 = percentile(result.statusIdleMs, 0.99);
  const paidOk =
    (['transcribe', 'diarize', 'chat'] as const).every((route) => result.paid[route] === result.completed) &&
    result.diarizedByPyannote === result.completed;
  console.log(MODE_NAMES[result.mode]);
  console.log(`  warm-up call alone: 202 → COMPLETED ${fmt(result.warmupSeconds, 1)} s`);
  console.log(
    `  ${result.completed}/${CALLS} COMPLETED, ${result.failed.length} FAILED, ${result.uploadErrors.length} ` +
      `uploads refused, in ${fmt(result.seconds, 1)} s = ${fmt(result.callsPerMinute, 1)} calls/min`,
  );
  for (const failure of result.failed) console.log(`    FAILED ${failure.callId}: ${failure.errorReason}`);
  for (const error of result.uploadErrors.slice(0, 5)) console.log(`    upload refused: ${error}`);
  console.log(
    `  202 → COMPLETED p50 ${fmt(percentile(result.toCompletedMs, 0.5) / 1000, 1)} s, ` +
      `p99 ${fmt(percentile(result.toCompletedMs, 0.99) / 1000, 1)} s`,
  );
  console.log(
    `  paid requests: transcribe ${result.paid.transcribe}, diarize ${result.paid.diarize}, ` +
      `chat ${result.paid.chat}; diarized by pyannote ${result.diarizedByPyannote}, transcripts ` +
      `readable ${result.readableTranscripts} → ${paidOk ? 'exactly' : 'NOT'} one per stage per call`,
  );
  console.log(
    `  GET /api/calls/status during burst: p50 ${fmt(percentile(result.statusBurstMs, 0.5), 1)} ms, ` +
      `p99 ${fmt(statusP99, 1)} ms (n=${result.statusBurstMs.length}; target < ${STATUS_TARGET_MS} ` +
      `ms) ${statusP99 < STATUS_TARGET_MS ? 'PASS' : 'ABOVE TARGET'}`,
  );
  console.log(
    `    idle before the burst: p50 ${fmt(median(result.statusIdleMs), 1)} ms, p99 ${fmt(idleP99, 1)} ms ` +
      `(n=${result.statusIdleMs.length}); burst/idle p99 ratio ${fmt(statusP99 / idleP99)}×`,
  );
  for (const server of result.processes) {
    console.log(
      `  ${server.label}: peak RSS ${fmt(server.peakRss / MB, 0)} MB (${fmt(server.rssBefore / MB, 0)} MB before); ` +
        `event-loop delay p50 ${fmt(server.loop.p50Ms, 1)} ms, p99 ${fmt(server.loop.p99Ms, 1)} ms, ` +
        `max ${fmt(server.loop.maxMs, 0)} ms`,
    );
  }
  const waits = result.histories.workflowTaskWaitMs;
  console.log(
    `  Temporal: workflow task wait p50 ${fmt(percentile(waits, 0.5), 0)} ms, ` +
      `p99 ${fmt(percentile(waits, 0.99), 0)} ms, max ${fmt(Math.max(...waits), 0)} ms (n=${waits.length})`,
  );
  const troubles = [...result.histories.troubles].sort((a, b) => b[1] - a[1]);
  const troubleList = troubles.map(([what, count]) => `${what} ×${count}`).join('; ');
  console.log(`  activity attempts that did not complete: ${troubles.length === 0 ? 'none' : troubleList}`);
  const stages = result.stageTroubles.map((row) =>
    `${row.stage} ${row.status} ${row.errorCode ?? ''} ×${row.count}`.replace('  ', ' '),
  );
  console.log(`  stage events FAILED/SKIPPED: ${stages.length === 0 ? 'none' : stages.join('; ')}`);
  const requests = Object.entries(result.providerRequests).map(
    ([provider, routes]) =>
      `${provider} ${Object.entries(routes)
        .map(([route, count]) => `${route} ${count}`)
        .join(', ')}`,
  );
  console.log(
    `  provider requests (2xx by route; over-limit = 429s past the documented limit): ${requests.join('; ')}`,
  );
  console.log(
    `  pyannoteAI's limit as a ceiling: ${fmt(pyannoteCeiling(result), 1)} calls/min ` +
      `(${fmt(pyannoteRequestsPerCall(result), 1)} requests per call under ${DOCUMENTED_LIMITS.pyannote!.requests} ` +
      `a minute); the burst at ${fmt(result.callsPerMinute / pyannoteCeiling(result))}× it`,
  );
  const { busySeconds, availableSeconds, byLabel } = result.cpu;
  console.log(
    `  machine CPU during the burst: ${fmt(busySeconds, 0)} of ${fmt(availableSeconds, 0)} CPU-s busy ` +
      `(${fmt((100 * busySeconds) / availableSeconds, 0)} %); by process:`,
  );
  console.log(
    `    ${byLabel
      .filter(([, seconds]) => seconds >= 0.5)
      .map(([label, seconds]) => `${label} ${fmt(seconds, 0)}`)
      .join(', ')}`,
  );
  if (result.failed.length > 0 || result.uploadErrors.length > 0 || troubles.length > 0)
    console.log(`  logs: ${result.processes.map((server) => server.logFile).join(', ')}`);
}

function printComparison(results: BurstResult[]): void {
  const one = results.find((result) => result.mode === 'one');
  const separate = results.find((result) => result.mode === 'separate');
  if (!one || !separate) return;
  const statusP99Of = (result: BurstResult) => percentile(result.statusBurstMs, 0.99);
  console.log(
    `separate vs one process: calls/min ratio ${fmt(separate.callsPerMinute / one.callsPerMinute)}×, ` +
      `status p99 during burst ratio ${fmt(statusP99Of(separate) / statusP99Of(one))}×`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBurst();
