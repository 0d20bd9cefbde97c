import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../../harness/audio.ts';
import { callDeletionWorkflowId } from '../../../src/pipeline/delete-call/deletion-runs.ts';
import { json, storedKeys, uploadCall, startedWorkflowIds, userRowId } from '../../harness/calls-client.ts';
import { emulatorUserExists, signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

describe('the user account', () => {
  let scryon: TestApp;
  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: { SCRYON_ADMIN_ALLOWED_EMAILS: 'boss@example.test' },
    });
  });
  afterAll(() => scryon.close());

  const send = (path: string, method: string, user: EmulatorUser, body?: unknown) =>
    scryon.fetch(path, {
      method,
      token: user.idToken,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });

  it('GET /api/users/me has every documented field, consent and plan ones with their defaults', async () => {
    const user = await signUpUser();
    const me = await json(await send('/api/users/me', 'GET', user));
    expect(me).toEqual({
      id: expect.any(String),
      externalUserId: user.uid,
      email: user.email,
      displayName: null,
      photoUrl: null,
      createdAt: expect.stringMatching(/Z$/),
      lastLoginAt: expect.stringMatching(/Z$/),
      privacyPolicyVersion: null,
      privacyPolicyAcceptedAt: null,
      termsVersion: null,
      termsAcceptedAt: null,
      callRecordingDisclaimerVersion: null,
      callRecordingDisclaimerAcceptedAt: null,
      marketingOptIn: false,
      marketingOptInAt: null,
      plan: 'FREE',
      plansIntroShownAt: null,
      isAdmin: false,
      accountStatus: 'ACTIVE',
      accountStatusReason: null,
    });
  });

  it('PATCH /api/users/me edits displayName and refuses unknown fields', async () => {
    const user = await signUpUser();
    const response = await send('/api/users/me', 'PATCH', user, { displayName: 'Praveen' });
    expect(response.status).toBe(200);
    expect((await json(response)).displayName).toBe('Praveen');
    expect((await json(await send('/api/users/me', 'GET', user))).displayName).toBe('Praveen');
    expect((await send('/api/users/me', 'PATCH', user, { plan: 'PRO' })).status).toBe(400);
    expect((await send('/api/users/me', 'PATCH', user, { displayName: '' })).status).toBe(400);
  });

  describe('GET /api/users/me/stats', () => {
    it('follows the documented definitions on a known data set', async () => {
      const user = await signUpUser();
      await send('/api/users/me', 'GET', user);
      const userId = await userRowId(scryon, user.uid);
      const call = async (createdAt: string, durationSeconds: number | null) => {
        const id = randomUUID();
        await scryon.db!.query(
          `insert into call_records (id, user_id, direction, recorded_at, duration_seconds, status, created_at, ` +
            `updated_at)
           values ($1, $2, 'UNKNOWN', $3, $4, 'COMPLETED', $3, $3)`,
          [id, userId, createdAt, durationSeconds],
        );
        return id;
      };
      const now = new Date();
      const thisWeek = await call(now.toISOString(), 100);
      await call(new Date(now.getTime() - 8 * 24 * 3600 * 1000).toISOString(), 200);
      await call(new Date(now.getTime() - 30 * 24 * 3600 * 1000).toISOString(), null);
      const yesterday = new Date(now.getTime() - 24 * 3600 * 1000).toISOString().slice(0, 10);
      const tomorrow = new Date(now.getTime() + 24 * 3600 * 1000).toISOString().slice(0, 10);
      const item = (status: string, due: string | null) =>
        scryon.db!.query(
          `insert into action_items (id, user_id, call_record_id, title, status, due_date, source_segment_ids_json, ` +
            `created_at, updated_at)
           values ($1, $2, $3, 't', $4, $5, '[]', now(), now())`,
          [randomUUID(), userId, thisWeek, status, due],
        );
      await item('OPEN', yesterday);
      await item('IN_PROGRESS', yesterday);
      await item('OPEN', tomorrow);
      await item('OPEN', null);
      await item('DONE', yesterday);
      await item('DISMISSED', yesterday);
      const stats = await json(await send('/api/users/me/stats', 'GET', user));
      const startOfWeek = new Date(
        Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)),
      );
      const lastWeekCall = new Date(now.getTime() - 8 * 24 * 3600 * 1000);
      expect(stats).toEqual({
        totalCalls: 3,
        callsThisWeek: 1 + (lastWeekCall >= startOfWeek ? 1 : 0),
        openActionItems: 4,
        overdueActionItems: 2,
        completedActionItems: 1,
        averageCallDurationSeconds: 150,
      });
    });

    it('answers zeros and a null average for a new user', async () => {
      const user = await signUpUser();
      expect(await json(await send('/api/users/me/stats', 'GET', user))).toEqual({
        totalCalls: 0,
        callsThisWeek: 0,
        openActionItems: 0,
        overdueActionItems: 0,
        completedActionItems: 0,
        averageCallDurationSeconds: null,
      });
    });
  });

  describe('DELETE /api/users/me', () => {
    it('removes each row, object and the Firebase user, starts the clean-up of its calls, answers 204', async () => {
      const [leaving, staying] = [await signUpUser(), await signUpUser()];
      const upload = (user: EmulatorUser) =>
        uploadCall(scryon, user.idToken, { file: { bytes: wavBytes(1) } }).then(json);
      const { callId } = await upload(leaving);
      const kept = await upload(staying);
      const userId = await userRowId(scryon, leaving.uid);
      await send(`/api/calls/${callId}/action-items`, 'POST', leaving, { title: 'to be purged' });

      const response = await send('/api/users/me', 'DELETE', leaving);
      expect(response.status).toBe(204);

      for (const table of [
        'call_records',
        'action_items',
        'call_processing_events',
        'idempotency_keys',
        'user_voice_profiles',
      ]) {
        expect(await scryon.db!.query(`select 1 from ${table} where user_id = $1`, [userId]), table).toEqual([]);
      }
      expect(await scryon.db!.query('select 1 from users where id = $1', [userId])).toEqual([]);
      expect(await storedKeys(scryon, `users/${userId}/`)).toEqual([]);
      // Stopping the call's workflow is its durable clean-up's job (test/integration/pipeline/durable-delete.test.ts).
      expect(await scryon.db!.query('select call_id from call_deletions where user_id = $1', [userId])).toEqual([
        { call_id: callId },
      ]);
      expect(await startedWorkflowIds(scryon, [callDeletionWorkflowId(callId)])).toEqual([
        callDeletionWorkflowId(callId),
      ]);
      expect(await emulatorUserExists(leaving.uid)).toBe(false);
      expect((await send('/api/users/me', 'GET', leaving)).status).toBe(401);

      expect((await send(`/api/calls/${kept.callId}`, 'GET', staying)).status).toBe(200);
    });
  });

  it('computes isAdmin from SCRYON_ADMIN_ALLOWED_EMAILS', async () => {
    const user = await signUpUser();
    await scryon.fetch('/api/users/me', { token: user.idToken });
    await scryon.db!.query("update users set email = 'Boss@example.test' where external_user_id = $1", [user.uid]);
    expect((await json(await send('/api/users/me', 'GET', user))).isAdmin).toBe(true);
  });
});
