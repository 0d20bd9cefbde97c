import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../../harness/audio.ts';
import { json, uploadCall, userRowId } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

describe('action items', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;
  let bob: EmulatorUser;
  let aliceId: string;
  let callId: string;
  let aiItemId: string;

  const send = (path: string, method: string, user: EmulatorUser, body?: unknown) =>
    scryon.fetch(path, {
      method,
      token: user.idToken,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    [alice, bob] = [await signUpUser(), await signUpUser()];
    callId = (await json(await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) } }))).callId;
    aliceId = await userRowId(scryon, alice.uid);
    aiItemId = randomUUID();
    await scryon.db!.query(
      `insert into action_items (id, user_id, call_record_id, title, description, due_date, status, priority, ` +
        `source, intent, intent_metadata_json,
         owner_speaker_id, owner_speaker_label, owner_display_name, owner_role, source_segment_ids_json, ` +
        `source_text, created_at, updated_at)
       values ($1, $2, $3, 'Send the proposal', 'By Friday', '2026-12-04', 'OPEN', 'HIGH', 'AI', 'email', ` +
        `'{"toName":"Ravi"}',
         'spk_1', 'Speaker 1', 'Ravi', 'CONTACT', '["seg_0003"]', 'priority=high; segments=seg_0003; text="I will ` +
        `send the proposal"', now() - interval '1 hour', now())`,
      [aiItemId, aliceId, callId],
    );
  });
  afterAll(() => scryon.close());

  it("lists the caller's items newest first in the documented shape", async () => {
    const manual = await json(
      await send(`/api/calls/${callId}/action-items`, 'POST', alice, { title: 'Call back', priority: 'LOW' }),
    );
    const response = await send('/api/actions', 'GET', alice);
    expect(response.status).toBe(200);
    const items = await json(response);
    expect(items.map((item: { id: string }) => item.id)).toEqual([manual.id, aiItemId]);
    expect(items[1]).toEqual({
      id: aiItemId,
      callRecordId: callId,
      title: 'Send the proposal',
      description: 'By Friday',
      dueDate: '2026-12-04',
      status: 'OPEN',
      priority: 'HIGH',
      source: 'AI',
      sourceText: 'priority=high; segments=seg_0003; text="I will send the proposal"',
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
      ownerSpeakerId: 'spk_1',
      ownerSpeakerLabel: 'Speaker 1',
      ownerDisplayName: 'Ravi',
      ownerRole: 'CONTACT',
      sourceSegmentIds: ['seg_0003'],
      intent: 'email',
      intentMetadata: { toName: 'Ravi' },
    });
    expect(await json(await send('/api/actions', 'GET', bob))).toEqual([]);
  });

  it('PATCH changes the status, and OPEN un-completes', async () => {
    const done = await send(`/api/actions/${aiItemId}`, 'PATCH', alice, { status: 'DONE' });
    expect(done.status).toBe(200);
    expect((await json(done)).status).toBe('DONE');
    expect(
      (
        await scryon.db!.query<{ completed_at: Date | null }>('select completed_at from action_items where id = $1', [
          aiItemId,
        ])
      )[0]!.completed_at,
    ).not.toBeNull();
    const reopened = await json(await send(`/api/actions/${aiItemId}`, 'PATCH', alice, { status: 'OPEN' }));
    expect(reopened.status).toBe('OPEN');
    expect(
      (
        await scryon.db!.query<{ completed_at: Date | null }>('select completed_at from action_items where id = $1', [
          aiItemId,
        ])
      )[0]!.completed_at,
    ).toBeNull();
  });

  it.each(['PENDING', 'COMPLETED', 'done'])('PATCH refuses the status %s with 400', async (status) => {
    const response = await send(`/api/actions/${aiItemId}`, 'PATCH', alice, { status });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('validation_failed');
  });

  it('PATCH accepts the status only', async () => {
    const response = await send(`/api/actions/${aiItemId}`, 'PATCH', alice, { status: 'DONE', title: 'renamed' });
    expect(response.status).toBe(400);
  });

  it("answers another user's item with 404 on PATCH, PUT and DELETE", async () => {
    for (const [method, body] of [
      ['PATCH', { status: 'DONE' }],
      ['PUT', { title: 'x', description: null, dueDate: null, priority: null, status: 'OPEN' }],
      ['DELETE', undefined],
    ] as const) {
      const path = method === 'PATCH' ? `/api/actions/${aiItemId}` : `/api/action-items/${aiItemId}`;
      const response = await send(path, method, bob, body);
      expect(response.status, method).toBe(404);
      expect((await json(response)).error.code).toBe('action_item_not_found');
    }
  });

  it("answers another user's call with 404 on the per-call routes", async () => {
    expect((await send(`/api/calls/${callId}/action-items`, 'GET', bob)).status).toBe(404);
    expect((await send(`/api/calls/${callId}/action-items`, 'POST', bob, { title: 'sneaky' })).status).toBe(404);
  });

  it('creates a manual item with 201 and validates it', async () => {
    const created = await send(`/api/calls/${callId}/action-items`, 'POST', alice, {
      title: 'Book a table',
      dueDate: '2026-12-24',
      priority: 'MEDIUM',
      description: 'for four',
    });
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({
      title: 'Book a table',
      dueDate: '2026-12-24',
      priority: 'MEDIUM',
      source: 'MANUAL',
      status: 'OPEN',
      sourceSegmentIds: [],
      callRecordId: callId,
    });
    for (const body of [{}, { title: '' }, { title: 'x', dueDate: '24/12/2026' }, { title: 'x', priority: 'URGENT' }]) {
      const response = await send(`/api/calls/${callId}/action-items`, 'POST', alice, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('PUT replaces every field and null clears', async () => {
    const item = await json(
      await send(`/api/calls/${callId}/action-items`, 'POST', alice, {
        title: 'Draft',
        description: 'old',
        dueDate: '2026-12-01',
        priority: 'HIGH',
      }),
    );
    const replaced = await send(`/api/action-items/${item.id}`, 'PUT', alice, {
      title: 'Final',
      description: null,
      dueDate: null,
      priority: null,
      status: 'IN_PROGRESS',
    });
    expect(replaced.status).toBe(200);
    const body = await json(replaced);
    expect(body).toMatchObject({ title: 'Final', dueDate: null, priority: null, status: 'IN_PROGRESS' });
    expect(body).not.toHaveProperty('description');
    const missingKey = await send(`/api/action-items/${item.id}`, 'PUT', alice, { title: 'Final', status: 'OPEN' });
    expect(missingKey.status).toBe(400);
  });

  it('DELETE answers 204, then 404', async () => {
    const item = await json(await send(`/api/calls/${callId}/action-items`, 'POST', alice, { title: 'Temporary' }));
    expect((await send(`/api/action-items/${item.id}`, 'DELETE', alice)).status).toBe(204);
    expect((await send(`/api/action-items/${item.id}`, 'DELETE', alice)).status).toBe(404);
  });

  it("lists one call's items oldest first", async () => {
    const items = await json(await send(`/api/calls/${callId}/action-items`, 'GET', alice));
    expect(items[0].id).toBe(aiItemId);
    expect(items.every((item: { callRecordId: string }) => item.callRecordId === callId)).toBe(true);
  });
});
