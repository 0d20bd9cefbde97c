import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { gcsEnv, providerEnv, submitFixture, waitForStatus } from '../../harness/pipeline-app.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';
import { killWorkerProcess, startWorkerProcess } from '../../harness/worker-process.ts';

async function waitForAsync(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a worker killed mid-stage', () => {
  let scryon: TestApp;
  let fakes: SandboxProviders;
  let user: EmulatorUser;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    fakes = await startSandboxProviders();
    scryon = await startTestApp({ roles: { api: true, worker: false }, env: { ...providerEnv(fakes), ...gcsEnv() } });
    user = await signUpUser();
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await scryon.close();
    await fakes.close();
  });

  async function crashDuring(
    status: 'TRANSCRIBING' | 'ANALYZING',
    route: 'transcribe' | 'chat',
    control: { requests: Array<{ route: string }> },
  ) {
    worker = startWorkerProcess(scryon.env);
    const callId = await submitFixture(scryon, user.idToken, 'wav', { direction: 'OUTGOING' });
    await waitForStatus(scryon, user.idToken, callId, [status]);
    await until(() => control.requests.some((request) => request.route === route), `the ${route} request`);
    await killWorkerProcess(worker);
    worker = startWorkerProcess(scryon.env);
    expect(await waitForStatus(scryon, user.idToken, callId, ['COMPLETED', 'FAILED'], 120_000)).toBe('COMPLETED');
    worker.kill('SIGTERM');
    return callId;
  }

  it('during transcription: after a restart the call completes, Lemonfox paid once', async () => {
    fakes.lemonfox.reset();
    fakes.lemonfox.failNext('transcribe', { hang: true });
    await crashDuring('TRANSCRIBING', 'transcribe', fakes.lemonfox);
    expect(fakes.lemonfox.succeeded('transcribe')).toHaveLength(1);
    expect(fakes.openai.succeeded('chat')).toHaveLength(1);
  });

  it('during diarization: after a restart the job already paid for is polled, one pyannote job in total', async () => {
    fakes.lemonfox.reset();
    fakes.pyannote.reset();
    fakes.openai.reset();
    fakes.pyannote.pollsBeforeDone = 1_000_000;
    worker = startWorkerProcess(scryon.env);
    const callId = await submitFixture(scryon, user.idToken, 'wav', { direction: 'OUTGOING' });
    // The job id is safe once the server holds it in the activity's heartbeat.
    await waitForAsync(
      async () => (await heartbeatDetails(callId))?.pyannoteJobId !== undefined,
      'the pyannote job id in the heartbeat',
    );
    await killWorkerProcess(worker);
    fakes.pyannote.pollsBeforeDone = 1;
    worker = startWorkerProcess(scryon.env);
    expect(await waitForStatus(scryon, user.idToken, callId, ['COMPLETED', 'FAILED'], 120_000)).toBe('COMPLETED');
    worker.kill('SIGTERM');
    expect(fakes.pyannote.requests.filter((request) => request.route === 'diarize')).toHaveLength(1);
    const transcript = await json(await scryon.fetch(`/api/calls/${callId}/transcript`, { token: user.idToken }));
    expect(transcript.pipeline.diarizationProvider).toBe('pyannote');
  });

  /** The details the diarization activity last heartbeated, as the Temporal server holds them. */
  async function heartbeatDetails(callId: string): Promise<Record<string, unknown> | undefined> {
    const description = await scryon.app.temporal.client.workflow.getHandle(`call-${callId}`).describe();
    const payload = description.raw.pendingActivities?.find(
      (activity) => activity.activityType?.name === 'diarizeSpeakers',
    )?.heartbeatDetails?.payloads?.[0];
    return payload?.data
      ? (JSON.parse(Buffer.from(payload.data).toString('utf8')) as Record<string, unknown>)
      : undefined;
  }

  it('during analysis: after a restart the call completes, providers paid once, no duplicated actions', async () => {
    fakes.lemonfox.reset();
    fakes.pyannote.reset();
    fakes.openai.reset();
    fakes.openai.failNext('chat', { hang: true });
    const callId = await crashDuring('ANALYZING', 'chat', fakes.openai);
    expect(fakes.openai.succeeded('chat')).toHaveLength(1);
    expect(fakes.lemonfox.succeeded('transcribe')).toHaveLength(1);
    expect(fakes.pyannote.succeeded('diarize')).toHaveLength(1);
    const analysis = await json(await scryon.fetch(`/api/calls/${callId}/analysis`, { token: user.idToken }));
    const items = await json(await scryon.fetch(`/api/calls/${callId}/action-items`, { token: user.idToken }));
    expect(items).toHaveLength(analysis.actionItems.length);
    expect(new Set(items.map((item: { title: string }) => item.title)).size).toBe(items.length);
  });
});
