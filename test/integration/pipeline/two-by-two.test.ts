import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import WebSocket from 'ws';
import { json, uploadForm } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { freePort, waitFor } from '../../harness/free-port.ts';
import { fixture, startPipelineApp, type PipelineApp } from '../../harness/pipeline-app.ts';
import { killWorkerProcess } from '../../harness/worker-process.ts';

const CALLS = 12;
const EVERY_STATUS = ['QUEUED', 'TRANSCRIBING', 'ANALYZING', 'COMPLETED'];

interface Scryon {
  child: ChildProcess;
  logFile: string;
  /** Temporal's name for the worker in this process (the SDK's default, `pid@host`). */
  identity: string;
  url: string;
  metricsUrl: string;
}

describe('two API and two worker processes on one database and one Temporal', () => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;
  let logDir: string;
  const processes: Scryon[] = [];
  const clients: Client[] = [];
  const subscriptionErrors: unknown[] = [];

  beforeAll(async () => {
    pipeline = await startPipelineApp({
      roles: { api: false, worker: false },
      env: {
        // Half the burst's activities per worker at once: with every call held at diarization, both must hold some.
        SCRYON_WORKER_MAX_CONCURRENT_ACTIVITIES: String(CALLS / 2),
        // Held jobs are polled often, so a released one is heard soon; pyannoteAI's per-key limit is
        // provider-limits.test.ts's subject, not this one's.
        PYANNOTE_REQUESTS_PER_MINUTE: '1000000',
        SCRYON_DIARIZATION_POLL_MAX_INTERVAL_SECONDS: '1',
      },
    });
    pipeline.fakes.pyannote.rateLimit = undefined;
    user = await signUpUser();
    logDir = mkdtempSync(path.join(os.tmpdir(), 'scryon-two-by-two-'));
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await Promise.all(processes.map(({ child }) => stop(child)));
    await pipeline.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  /** `node src/main.ts <role>` with its output in its own log file; ready when it prints its banner. */
  async function start(role: 'api' | 'worker', name: string): Promise<Scryon> {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const logFile = path.join(logDir, `${name}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, ['src/main.ts', role], {
      env: {
        ...process.env,
        ...pipeline.scryon.env,
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        SCRYON_METRICS_PORT: String(metricsPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.pipe(log);
    const scryon = {
      child,
      logFile,
      identity: `${child.pid}@${os.hostname()}`,
      url: `http://127.0.0.1:${port}`,
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    };
    processes.push(scryon);
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        log.write(`${line}\n`);
        if (line.startsWith('Scryon is running')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    });
    return scryon;
  }

  /** The API's own count of listeners on its status bus, from its metrics. */
  async function busListeners(api: Scryon): Promise<number> {
    const metrics = await (await fetch(api.metricsUrl)).text();
    return Number(/^scryon_call_event_followers (\S+)$/m.exec(metrics)?.[1]);
  }

  /** Every status change of the user's calls that `api` streams over graphql-ws, from when it listens. */
  async function subscribe(api: Scryon): Promise<Array<{ callId: string; status: string }>> {
    const heard: Array<{ callId: string; status: string }> = [];
    const before = await busListeners(api);
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${user.idToken}` },
    });
    clients.push(client);
    client.subscribe<{ myCallStatusChanged: { callId: string; status: string } }>(
      { query: 'subscription { myCallStatusChanged { callId status } }' },
      {
        next: (result) =>
          result.data ? heard.push(result.data.myCallStatusChanged) : subscriptionErrors.push(result.errors),
        error: (error) => subscriptionErrors.push(error),
        complete: () => undefined,
      },
    );
    await waitFor(async () => (await busListeners(api)) > before, 'the subscription to listen');
    return heard;
  }

  async function upload(api: Scryon): Promise<string> {
    const response = await fetch(`${api.url}/api/calls/analyze`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.idToken}` },
      body: uploadForm({ file: { bytes: fixture('two-party-call.wav') } }),
    });
    expect(response.status).toBe(202);
    return (await json(response)).callId;
  }

  /** The worker running the call's diarization, once the pyannote job it paid for is in its heartbeat. */
  async function diarizingOn(callId: string): Promise<string | undefined> {
    const { raw } = await pipeline.scryon.app.temporal.client.workflow.getHandle(`call-${callId}`).describe();
    const activity = raw.pendingActivities?.find((pending) => pending.activityType?.name === 'diarizeSpeakers');
    const details = activity?.heartbeatDetails?.payloads?.[0]?.data;
    const jobId = details && JSON.parse(Buffer.from(details).toString('utf8')).pyannoteJobId;
    return jobId ? (activity?.lastWorkerIdentity ?? undefined) : undefined;
  }

  it('shares a burst between workers, streams all statuses to both APIs, loses no call to a killed one', async () => {
    onTestFailed(() => {
      for (const { logFile } of processes) console.log(`--- ${logFile}\n${readFileSync(logFile, 'utf8')}`);
    });
    const [apis, workers] = await Promise.all([
      Promise.all([start('api', 'api-1'), start('api', 'api-2')]),
      Promise.all([start('worker', 'worker-1'), start('worker', 'worker-2')]),
    ]);
    const subscribers = await Promise.all(apis.map(subscribe));

    // Every job stays running until released, so the whole burst is in flight at once.
    pipeline.fakes.pyannote.pollsBeforeDone = Number.POSITIVE_INFINITY;
    const callIds = await Promise.all(Array.from({ length: CALLS }, (_, index) => upload(apis[index % 2]!)));
    let holders: Array<string | undefined> = [];
    await waitFor(
      async () => (holders = await Promise.all(callIds.map(diarizingOn))).every(Boolean),
      'every call to hold its paid pyannote job',
      90_000,
    );
    expect(new Set(holders)).toEqual(new Set(workers.map((worker) => worker.identity)));

    // Mid-burst: the victim dies holding the jobs of its calls, which the other worker must resume.
    await killWorkerProcess(workers[1]!.child);
    pipeline.fakes.pyannote.pollsBeforeDone = 1;
    const ended = (heard: Array<{ callId: string; status: string }>) =>
      callIds.every((callId) =>
        heard.some((event) => event.callId === callId && /COMPLETED|FAILED/.test(event.status)),
      );
    await waitFor(
      async () => subscribers.every(ended) || subscriptionErrors.length > 0,
      'every call to end on both subscribers',
      120_000,
    );
    expect(subscriptionErrors).toEqual([]);

    const everyStatus = Object.fromEntries(callIds.map((callId) => [callId, EVERY_STATUS]));
    for (const heard of subscribers) {
      const statuses = (callId: string) =>
        heard.filter((event) => event.callId === callId).map((event) => event.status);
      expect(Object.fromEntries(callIds.map((callId) => [callId, statuses(callId)]))).toEqual(everyStatus);
    }
    // Paid once per stage, as worker-crash.test.ts counts it: a pyannote job is never created twice, even by a retry.
    const { lemonfox, pyannote, openai } = pipeline.fakes;
    expect({
      transcribe: lemonfox.succeeded('transcribe').length,
      diarize: pyannote.requests.filter((request) => request.route === 'diarize').length,
      chat: openai.succeeded('chat').length,
    }).toEqual({ transcribe: CALLS, diarize: CALLS, chat: CALLS });
  }, 240_000);
});

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
