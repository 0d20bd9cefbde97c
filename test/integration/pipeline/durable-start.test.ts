import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { utimes } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { ServiceError, WorkflowNotFoundError, type WorkflowClient } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, storedKeys, uploadCall, uploadForm, userRowId } from '../../harness/calls-client.ts';
import { signUpUser } from '../../harness/firebase-users.ts';
import { freePort, waitFor } from '../../harness/free-port.ts';
import { fixture, waitForStatus } from '../../harness/pipeline-app.ts';
import { runSweep, sweepSchedule } from '../../harness/sweeps.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

/** gRPC status codes, as the Temporal client reports them. */
const UNAVAILABLE = 14;
const INVALID_ARGUMENT = 3;

/** What the Temporal client throws for a failed start RPC (a gRPC error wrapped in ServiceError). */
function startFailure(code: number, details: string): ServiceError {
  const grpcError = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  return new ServiceError('Failed to start Workflow', { cause: grpcError });
}

/**
 * A TCP relay to Temporal that can be put on hold: from `hold()` on, nothing
 * the relayed client sends reaches the server (and no answer comes back), so
 * a request made then is left in flight for as long as the test wants.
 */
async function startTemporalRelay(target: string) {
  const separator = target.lastIndexOf(':');
  const [host, port] = [target.slice(0, separator), Number(target.slice(separator + 1))];
  const pairs: Array<[net.Socket, net.Socket]> = [];
  let held = false;
  const holdPair = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.unpipe(upstream);
    client.pause();
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.push(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.pipe(client);
    if (held) holdPair(pair);
    else client.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${address.port}`,
    hold() {
      held = true;
      for (const pair of pairs) holdPair(pair);
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('no call lost between its row and its workflow', () => {
  let api: TestApp;
  let worker: TestApp | undefined;
  let child: ChildProcess | undefined;
  let relay: Awaited<ReturnType<typeof startTemporalRelay>> | undefined;

  beforeAll(async () => {
    // No worker at first: a call whose workflow is missing stays exactly as the crash left it.
    api = await startTestApp({ roles: { api: true, worker: false } });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await relay?.close();
    await worker?.close();
    await api.close();
  });

  /** A fresh account per test, so what one test stores or completes never shows in another's assertions. */
  async function newUser(): Promise<{ token: string; userId: string }> {
    const user = await signUpUser();
    await api.fetch('/api/users/me', { token: user.idToken });
    return { token: user.idToken, userId: await userRowId(api, user.uid) };
  }

  /** Each upload with its own title, so the test can find its row whatever the upload answered. */
  async function callIdByTitle(userId: string, title: string): Promise<string | undefined> {
    const rows = await api.db!.query<{ id: string }>('select id from call_records where user_id = $1 and title = $2', [
      userId,
      title,
    ]);
    return rows[0]?.id;
  }

  /** Makes the API's Temporal client fail every workflow start with `error` while `run` runs. */
  async function withFailingStart<T>(error: Error, run: () => Promise<T>): Promise<T> {
    const workflows = api.app.temporal.client.workflow as WorkflowClient & { start: WorkflowClient['start'] };
    workflows.start = async () => {
      throw error;
    };
    try {
      return await run();
    } finally {
      delete (workflows as Partial<WorkflowClient>).start;
    }
  }

  async function workflowState(callId: string): Promise<string> {
    try {
      return (await api.app.temporal.client.workflow.getHandle(`call-${callId}`).describe()).status.name;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'MISSING';
      throw error;
    }
  }

  async function row(callId: string) {
    const rows = await api.db!.query<{ status: string; error_reason: string | null; attempted: boolean }>(
      'select status, error_reason, updated_at > created_at as attempted from call_records where id = $1',
      [callId],
    );
    return rows[0];
  }

  /** Moves a call back in time, keeping updated_at = created_at (no reconciler attempt yet). */
  async function age(callId: string, interval: string): Promise<void> {
    await api.db!.query(
      `update call_records set created_at = created_at - $2::interval, updated_at = created_at - $2::interval
        where id = $1`,
      [callId, interval],
    );
  }

  async function ensureWorker(): Promise<void> {
    worker ??= await startTestApp({ roles: { api: false, worker: true }, shareWith: api });
  }

  it('keeps a refused start answering an error and leaving nothing behind', async () => {
    const { token, userId } = await newUser();
    const response = await withFailingStart(startFailure(INVALID_ARGUMENT, 'bad request'), () =>
      uploadCall(api, token, { file: { bytes: fixture('two-party-call.wav') }, metadata: { title: 'refused' } }),
    );
    expect(response.status).toBe(500);
    expect(await callIdByTitle(userId, 'refused')).toBeUndefined();
    expect(await storedKeys(api, `users/${userId}/`)).toEqual([]);
  });

  it('accepts an upload that finds Temporal unavailable, and the reconciler starts it', async () => {
    const { token, userId } = await newUser();
    const response = await withFailingStart(startFailure(UNAVAILABLE, 'No connection established'), () =>
      uploadCall(api, token, { file: { bytes: fixture('two-party-call.wav') }, metadata: { title: 'temporal down' } }),
    );
    expect(response.status).toBe(202);
    const { callId } = await json(response);
    expect(await workflowState(callId)).toBe('MISSING');
    expect(await storedKeys(api, `users/${userId}/calls/${callId}/`)).toEqual([
      `users/${userId}/calls/${callId}/temp/audio.wav`,
    ]);

    await ensureWorker();
    await age(callId, '1 minute');
    await runSweep(api, 'unstarted_calls');
    expect(await waitForStatus(api, token, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
  });

  it('starts the call of an API process killed between its row and its workflow, which then completes', async () => {
    const { token, userId } = await newUser();
    // A real API process whose Temporal traffic goes through a relay: on hold,
    // the upload's start never reaches Temporal.
    relay = await startTemporalRelay(api.env.TEMPORAL_ADDRESS as string);
    const port = await freePort();
    let stderr = '';
    child = spawn(process.execPath, ['src/main.ts', 'api'], {
      env: {
        ...process.env,
        ...api.env,
        TEMPORAL_ADDRESS: relay.address,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const childUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await fetch(`${childUrl}/api/health`)).status < 500,
      `the API process to answer (${stderr})`,
      90_000,
    );

    relay.hold();
    const upload = fetch(`${childUrl}/api/calls/analyze`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: uploadForm({ file: { bytes: fixture('two-party-call.wav') }, metadata: { title: 'crash window' } }),
    }).catch(() => undefined);
    let callId: string | undefined;
    await waitFor(async () => (callId = await callIdByTitle(userId, 'crash window')) !== undefined, 'the call row');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    expect(await upload).toBeUndefined();
    await relay.close();
    relay = undefined;

    // Exactly the crash window: a QUEUED row with its TEMP_AUDIO, and no workflow.
    expect(await row(callId!)).toMatchObject({ status: 'QUEUED', attempted: false });
    expect(await api.db!.query('select artifact_type from call_artifacts where call_id = $1', [callId])).toEqual([
      { artifact_type: 'TEMP_AUDIO' },
    ]);
    expect(await api.app.storage.exists(`users/${userId}/calls/${callId}/temp/audio.wav`)).toBe(true);
    expect(await workflowState(callId!)).toBe('MISSING');

    await ensureWorker();
    await age(callId!, '1 minute');
    await runSweep(api, 'unstarted_calls');
    expect(await workflowState(callId!)).not.toBe('MISSING');
    expect(await waitForStatus(api, token, callId!, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    // The raw audio goes right after the terminal status is stored, not with it.
    await waitFor(
      async () => (await storedKeys(api, `users/${userId}/calls/${callId}/temp/`)).length === 0,
      'the raw audio to be removed',
      30_000,
    );
  });

  it('leaves a QUEUED call inside the grace period alone', async () => {
    const { token } = await newUser();
    await ensureWorker();
    const response = await withFailingStart(startFailure(UNAVAILABLE, 'No connection established'), () =>
      uploadCall(api, token, { file: { bytes: fixture('two-party-call.wav') }, metadata: { title: 'just uploaded' } }),
    );
    const { callId } = await json(response);
    await runSweep(api, 'unstarted_calls');
    expect(await workflowState(callId)).toBe('MISSING');
    expect(await row(callId)).toMatchObject({ status: 'QUEUED', attempted: false });

    // Past the grace period the same call is started.
    await age(callId, '1 minute');
    await runSweep(api, 'unstarted_calls');
    expect(await waitForStatus(api, token, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
  });

  it('has the stalled sweeper leave a reconcilable call to the reconciler and fail the unreconcilable', async () => {
    const { token, userId } = await newUser();
    await ensureWorker();
    // The reconciler is paused, so only the stalled sweeper judges these calls.
    const reconciler = sweepSchedule(api, 'unstarted_calls');
    await reconciler.pause('stalled-sweeper test');
    try {
      await waitFor(
        async () => (await reconciler.describe()).info.runningActions.length === 0,
        'the reconciler run in flight to end',
      );
      const submit = async (title: string) => {
        const response = await withFailingStart(startFailure(UNAVAILABLE, 'No connection established'), () =>
          uploadCall(api, token, { file: { bytes: fixture('two-party-call.wav') }, metadata: { title } }),
        );
        expect(response.status).toBe(202);
        return (await json(response)).callId as string;
      };
      const [reconcilable, audioGone, triedLongAgo] = [
        await submit('reconcilable'),
        await submit('audio gone'),
        await submit('tried long ago'),
      ];
      for (const callId of [reconcilable, audioGone, triedLongAgo]) await age(callId, '2 hours');
      await api.db!.query(`delete from call_artifacts where call_id = $1 and artifact_type = 'TEMP_AUDIO'`, [
        audioGone,
      ]);
      // What a reconciler start attempt two hours ago that never produced a workflow leaves.
      await api.db!.query(`update call_records set created_at = created_at - interval '1 hour' where id = $1`, [
        triedLongAgo,
      ]);

      await runSweep(api, 'stalled_calls');
      expect(await row(reconcilable)).toMatchObject({ status: 'QUEUED', error_reason: null });
      expect(await row(audioGone)).toMatchObject({ status: 'FAILED', error_reason: 'pipeline_stalled' });
      expect(await row(triedLongAgo)).toMatchObject({ status: 'FAILED', error_reason: 'pipeline_stalled' });
      expect(await storedKeys(api, `users/${userId}/calls/${triedLongAgo}/`)).toEqual([]);
      expect(await workflowState(reconcilable)).toBe('MISSING');
    } finally {
      await reconciler.unpause();
    }

    const reconcilable = (await callIdByTitle(userId, 'reconcilable'))!;
    await runSweep(api, 'unstarted_calls');
    expect(await waitForStatus(api, token, reconcilable, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    // A failed call is not the reconciler's: it stays failed.
    expect(await workflowState((await callIdByTitle(userId, 'tried long ago'))!)).toBe('MISSING');
  });

  it('has the orphan sweep keep the audio of an upload in flight until no upload can still be running', async () => {
    const { userId } = await newUser();
    await ensureWorker();
    // Audio stored, row not yet inserted: what an upload in flight looks like.
    const inFlight = `users/${userId}/calls/${randomUUID()}/temp/audio.wav`;
    const deleted = `users/${userId}/calls/${randomUUID()}/transcripts/raw.json`;
    await api.app.storage.put(inFlight, fixture('two-party-call.wav'), { contentType: 'audio/wav' });
    await api.app.storage.put(deleted, '{}', { contentType: 'application/json' });

    await runSweep(api, 'orphaned_objects');
    expect(await api.app.storage.exists(inFlight)).toBe(true);
    // Pipeline output is written only after the row existed: with no row, its call was deleted.
    expect(await api.app.storage.exists(deleted)).toBe(false);

    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(path.join(api.env.OBJECT_STORAGE_LOCAL_PATH as string, inFlight), twoHoursAgo, twoHoursAgo);
    await runSweep(api, 'orphaned_objects');
    expect(await api.app.storage.exists(inFlight)).toBe(false);
  });
});
