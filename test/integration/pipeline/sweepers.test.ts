import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../../harness/audio.ts';
import { json, storedKeys, uploadCall, userRowId } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { runSweep } from '../../harness/sweeps.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

describe('sweepers on Temporal Schedules', () => {
  let api: TestApp;
  let worker: TestApp;
  let user: EmulatorUser;
  let userId: string;

  beforeAll(async () => {
    // Calls are submitted with no worker polling, so they stay in flight until the test decides.
    api = await startTestApp({ roles: { api: true, worker: false } });
    user = await signUpUser();
    await api.fetch('/api/users/me', { token: user.idToken });
    userId = await userRowId(api, user.uid);
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
  });

  it('fail stalled calls, drop expired raw audio, idempotency keys and changes, remove orphaned objects', async () => {
    const upload = async () =>
      (await json(await uploadCall(api, user.idToken, { file: { bytes: wavBytes(1) } }))).callId as string;
    const [stalled, oldAudio] = [await upload(), await upload()];
    // Both workflows are gone (so no worker can finish them); one call looks
    // stuck, the other keeps raw audio past its TTL.
    await api.app.temporal.client.workflow.getHandle(`call-${stalled}`).terminate('simulated loss');
    await api.app.temporal.client.workflow.getHandle(`call-${oldAudio}`).terminate('simulated loss');
    await api.db!.query(
      `update call_records set status = 'TRANSCRIBING', updated_at = now() - interval '2 hours' where id = $1`,
      [stalled],
    );
    await api.db!.query(`update call_artifacts set created_at = now() - interval '30 hours' where call_id = $1`, [
      oldAudio,
    ]);
    const keptKey = randomUUID();
    const expiredKey = randomUUID();
    for (const key of [keptKey, expiredKey])
      await api.fetch('/api/users/me', {
        method: 'PATCH',
        token: user.idToken,
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: '{"displayName":"Sweep"}',
      });
    await api.db!.query(`update idempotency_keys set expires_at = now() - interval '1 minute' where key = $1`, [
      expiredKey,
    ]);
    // The call event log: the oldest of the user's events is past the 30 days it keeps.
    const [oldest] = await api.db!.query<{ seq: string }>(
      'select min(seq)::text as seq from call_events where user_id = $1',
      [userId],
    );
    await api.db!.query(`update call_events set occurred_at = now() - interval '31 days' where seq = $1`, [
      oldest!.seq,
    ]);
    const orphanKey = `users/${userId}/calls/${randomUUID()}/transcripts/raw.json`;
    await api.app.storage.put(orphanKey, '{}', { contentType: 'application/json' });

    worker = await startTestApp({ roles: { api: false, worker: true }, shareWith: api });
    await runSweep(api, 'stalled_calls');
    await runSweep(api, 'expired_audio');
    await runSweep(api, 'orphaned_objects');
    await runSweep(api, 'expired_idempotency_keys');
    await runSweep(api, 'expired_changes');

    expect(await json(await api.fetch(`/api/calls/${stalled}`, { token: user.idToken }))).toMatchObject({
      status: 'FAILED',
      errorReason: 'pipeline_stalled',
    });
    expect(await storedKeys(api, `users/${userId}/calls/${oldAudio}/temp/`)).toEqual([]);
    expect((await json(await api.fetch(`/api/calls/${oldAudio}`, { token: user.idToken }))).status).toBe('QUEUED');
    expect(
      await api.db!.query(`select 1 from call_artifacts where call_id = $1 and artifact_type = 'TEMP_AUDIO'`, [
        oldAudio,
      ]),
    ).toEqual([]);
    expect(await api.app.storage.exists(orphanKey)).toBe(false);
    expect(
      (
        await api.db!.query<{ key: string }>('select key from idempotency_keys where key in ($1, $2)', [
          keptKey,
          expiredKey,
        ])
      ).map((row) => row.key),
    ).toEqual([keptKey]);
    const left = await api.db!.query<{ seq: string }>('select seq::text as seq from call_events where user_id = $1', [
      userId,
    ]);
    expect(left.length).toBeGreaterThan(0);
    expect(left.map((row) => row.seq)).not.toContain(oldest!.seq);
  });
});
