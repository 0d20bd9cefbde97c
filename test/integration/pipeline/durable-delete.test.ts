import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callDeletionWorkflowId } from '../../../src/pipeline/delete-call/deletion-runs.ts';
import { callWorkflowId } from '../../../src/pipeline/process-call/call-runs.ts';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';
import { json, storedKeys, userRowId } from '../../harness/calls-client.ts';
import { signUpUser } from '../../harness/firebase-users.ts';
import { waitFor } from '../../harness/free-port.ts';
import {
  gcsEnv,
  providerEnv,
  startPipelineApp,
  submitFixture,
  waitForStatus,
  type PipelineApp,
} from '../../harness/pipeline-app.ts';
import { runSweep } from '../../harness/sweeps.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';
import { killWorkerProcess, startWorkerProcess } from '../../harness/worker-process.ts';

/**
 * Deletes answer at once and finish durably: the rows go in the request, and
 * each call's clean-up (stopping its workflow, removing its objects) is a
 * workflow that survives the processes around it.
 */
describe('deletes that do not hold the request', () => {
  let api: TestApp;
  let fakes: SandboxProviders;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    fakes = await startSandboxProviders();
    api = await startTestApp({ roles: { api: true, worker: false }, env: { ...providerEnv(fakes), ...gcsEnv() } });
  });
  afterEach(async () => {
    if (worker) await killWorkerProcess(worker);
    worker = undefined;
  });
  afterAll(async () => {
    await api.close();
    await fakes.close();
  });

  async function newUser(): Promise<{ token: string; userId: string }> {
    const user = await signUpUser();
    await api.fetch('/api/users/me', { token: user.idToken });
    return { token: user.idToken, userId: await userRowId(api, user.uid) };
  }

  /** Calls whose transcription request has reached Lemonfox and hangs there: in flight, mid-stage. */
  async function callsInFlight(token: string, count: number): Promise<string[]> {
    fakes.lemonfox.failNext('transcribe', ...Array.from({ length: count }, () => ({ hang: true }) as const));
    const before = fakes.lemonfox.requests.length;
    const callIds: string[] = [];
    for (let i = 0; i < count; i += 1) callIds.push(await submitFixture(api, token, 'wav'));
    for (const callId of callIds) await waitForStatus(api, token, callId, ['TRANSCRIBING']);
    await waitFor(async () => fakes.lemonfox.requests.length - before >= count, 'the hanging transcription requests');
    return callIds;
  }

  async function workflowStatus(workflowId: string): Promise<string> {
    try {
      return (await api.app.temporal.client.workflow.getHandle(workflowId).describe()).status.name;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'MISSING';
      throw error;
    }
  }

  async function pendingNotes(callIds: string[]): Promise<string[]> {
    const rows = await api.db!.query<{ call_id: string }>(
      'select call_id from call_deletions where call_id = any($1) order by call_id',
      [callIds],
    );
    return rows.map((row) => row.call_id);
  }

  async function waitForCleanUps(callIds: string[]): Promise<void> {
    await Promise.all(
      callIds.map((callId) => api.app.temporal.client.workflow.getHandle(callDeletionWorkflowId(callId)).result()),
    );
  }

  /** What a finished clean-up leaves: no row, no object, no note, and a call workflow that has stopped. */
  async function expectNothingLeft(userId: string, callIds: string[]): Promise<void> {
    expect(await api.db!.query('select id from call_records where id = any($1)', [callIds])).toEqual([]);
    expect(await pendingNotes(callIds)).toEqual([]);
    for (const callId of callIds) {
      expect(await storedKeys(api, `users/${userId}/calls/${callId}/`)).toEqual([]);
      // Cancelled by the clean-up, or, when its retried stage ran first and
      // found the call gone, ended quietly (COMPLETED).
      expect(['CANCELLED', 'TERMINATED', 'FAILED', 'COMPLETED']).toContain(
        await workflowStatus(callWorkflowId(callId)),
      );
    }
  }

  it('answers single and bulk deletes with no worker; reads forget the calls at once, a worker cleans up', async () => {
    const { token, userId } = await newUser();
    worker = startWorkerProcess(api.env);
    const [single, ...bulk] = await callsInFlight(token, 4);
    // The worker dies with four calls mid-transcription: nothing can acknowledge a cancellation now.
    await killWorkerProcess(worker);
    worker = undefined;

    expect((await api.fetch(`/api/calls/${single}`, { method: 'DELETE', token })).status).toBe(204);
    const response = await api.fetch('/api/calls', {
      method: 'DELETE',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callIds: bulk }),
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ deleted: 3, missing: 0, failed: [] });

    const all = [single!, ...bulk];
    for (const callId of all) expect((await api.fetch(`/api/calls/${callId}`, { token })).status).toBe(404);
    expect((await json(await api.fetch(`/api/calls/status?ids=${all.join(',')}`, { token }))).items).toEqual([]);
    expect((await json(await api.fetch('/api/calls', { token }))).items).toEqual([]);
    // The clean-up is what is still to do, and it is durable: a note per call and its workflow waiting for a worker.
    expect(await pendingNotes(all)).toEqual([...all].sort());
    for (const callId of all) expect(await workflowStatus(callDeletionWorkflowId(callId))).toBe('RUNNING');

    worker = startWorkerProcess(api.env);
    await waitForCleanUps(all);
    await expectNothingLeft(userId, all);
  });

  it('finishes a clean-up whose worker is SIGKILLed in the middle of it, after a restart', async () => {
    const { token, userId } = await newUser();
    worker = startWorkerProcess(api.env);
    const [callId] = await callsInFlight(token, 1);
    expect((await api.fetch(`/api/calls/${callId}`, { method: 'DELETE', token })).status).toBe(204);
    // Killed while the clean-up waits for the call's cancelled transcription to stop.
    const cleanUp = api.app.temporal.client.workflow.getHandle(callDeletionWorkflowId(callId!));
    await waitFor(
      async () =>
        (await cleanUp.describe()).raw.pendingActivities?.some(
          (activity) => activity.activityType?.name === 'stopCallProcessing',
        ) ?? false,
      'the clean-up to be stopping the call',
    );
    await killWorkerProcess(worker);
    expect(await workflowStatus(callDeletionWorkflowId(callId!))).toBe('RUNNING');
    expect(await pendingNotes([callId!])).toEqual([callId]);

    worker = startWorkerProcess(api.env);
    await waitForCleanUps([callId!]);
    await expectNothingLeft(userId, [callId!]);
  });

  it('has the pending-deletions sweep clean up a delete cut off after commit, leave fresh ones alone', async () => {
    const { userId } = await newUser();
    // What a delete whose process died right after its commit leaves: objects, a note, no clean-up workflow.
    const [cutOff, fresh] = [randomUUID(), randomUUID()];
    for (const callId of [cutOff, fresh]) {
      await api.app.storage.put(`users/${userId}/calls/${callId}/transcripts/normalized.json`, '{}', {
        contentType: 'application/json',
      });
      await api.db!.query('insert into call_deletions (call_id, user_id, requested_at) values ($1, $2, now())', [
        callId,
        userId,
      ]);
    }
    await api.db!.query(`update call_deletions set requested_at = now() - interval '1 minute' where call_id = $1`, [
      cutOff,
    ]);

    worker = startWorkerProcess(api.env);
    await runSweep(api, 'pending_deletions');
    await waitForCleanUps([cutOff]);
    expect(await storedKeys(api, `users/${userId}/calls/${cutOff}/`)).toEqual([]);
    expect(await pendingNotes([cutOff, fresh])).toEqual([fresh]);
    expect(await workflowStatus(callDeletionWorkflowId(fresh))).toBe('MISSING');
    expect(await storedKeys(api, `users/${userId}/calls/${fresh}/`)).toHaveLength(1);
  });

  it('deletes an account with a call in flight at once, and cleans the call up after', async () => {
    const { token, userId } = await newUser();
    worker = startWorkerProcess(api.env);
    const [callId] = await callsInFlight(token, 1);
    expect((await api.fetch('/api/users/me', { method: 'DELETE', token })).status).toBe(204);
    expect(await api.db!.query('select id from users where id = $1', [userId])).toEqual([]);
    await waitForCleanUps([callId!]);
    await expectNothingLeft(userId, [callId!]);
    expect(await storedKeys(api, `users/${userId}/`)).toEqual([]);
  });
});

describe('a delete on the embedded default (PGlite, API and worker in one process)', () => {
  let pipeline: PipelineApp;
  beforeAll(async () => {
    pipeline = await startPipelineApp({ database: 'pglite' });
  });
  afterAll(() => pipeline.close());

  it('answers the delete of a call mid-transcription; its clean-up stops the call, removes its objects', async () => {
    const user = await signUpUser();
    pipeline.fakes.lemonfox.failNext('transcribe', { hang: true });
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav');
    await waitFor(
      async () => pipeline.fakes.lemonfox.requests.some((request) => request.route === 'transcribe'),
      'the transcription request',
    );
    expect(
      (await pipeline.scryon.fetch(`/api/calls/${callId}`, { method: 'DELETE', token: user.idToken })).status,
    ).toBe(204);
    expect((await pipeline.scryon.fetch(`/api/calls/${callId}`, { token: user.idToken })).status).toBe(404);
    const client = pipeline.scryon.app.temporal.client;
    await client.workflow.getHandle(callDeletionWorkflowId(callId)).result();
    expect((await client.workflow.getHandle(callWorkflowId(callId)).describe()).status.name).toBe('CANCELLED');
    const keys: string[] = [];
    for await (const object of pipeline.scryon.app.storage.list('users/'))
      if (object.key.includes(callId)) keys.push(object.key);
    expect(keys).toEqual([]);
  });
});
