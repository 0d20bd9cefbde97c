import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../../harness/audio.ts';
import { json, startedWorkflowIds, uploadCall, userRowId } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';
import { transitionCallStatus } from '../../../src/calls/call-status.ts';
import { callDeletionWorkflowId } from '../../../src/pipeline/delete-call/deletion-runs.ts';

// Every answer this file receives under /api must be one the OpenAPI document declares.
describe('reading and deleting calls', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;
  let bob: EmulatorUser;
  let aliceId: string;
  const wav = wavBytes(1);

  async function submit(user: EmulatorUser, metadata: Record<string, unknown> = {}): Promise<string> {
    const response = await uploadCall(scryon, user.idToken, { file: { bytes: wav }, metadata });
    expect(response.status).toBe(202);
    return (await json(response)).callId;
  }

  async function setStatus(callId: string, status: string, errorReason: string | null = null) {
    await scryon.db!.query('update call_records set status = $2, error_reason = $3 where id = $1', [
      callId,
      status,
      errorReason,
    ]);
  }

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    [alice, bob] = [await signUpUser(), await signUpUser()];
    await scryon.fetch('/api/users/me', { token: alice.idToken });
    aliceId = await userRowId(scryon, alice.uid);
  });
  afterAll(() => scryon.close());

  describe('GET /api/calls', () => {
    let ids: string[];
    beforeAll(async () => {
      ids = [];
      for (let i = 0; i < 7; i += 1)
        ids.push(await submit(alice, { title: `call ${i}`, contactName: i % 2 ? 'Ravi' : undefined }));
      await setStatus(ids[0]!, 'COMPLETED');
      await setStatus(ids[1]!, 'FAILED', 'transcription_4xx');
      await scryon.db!.query(
        `insert into action_items (id, user_id, call_record_id, title, status, source, source_segment_ids_json, ` +
          `created_at, updated_at)
         values ($1, $2, $3, 'Send the deck', 'OPEN', 'AI', '[]', now() - interval '1 minute', now()),
                ($4, $2, $3, 'Dismissed one', 'DISMISSED', 'AI', '[]', now() - interval '2 minute', now()),
                ($5, $2, $3, 'Book a meeting', 'DONE', 'AI', '[]', now(), now())`,
        [randomUUID(), aliceId, ids[0], randomUUID(), randomUUID()],
      );
    });

    it('pages newest first with a cursor that neither repeats nor skips while calls are added', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const response = await scryon.fetch(`/api/calls?limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
          token: alice.idToken,
        });
        expect(response.status).toBe(200);
        const page = await json(response);
        seen.push(...page.items.map((item: { callId: string }) => item.callId));
        cursor = page.nextCursor;
        if (pages === 0) await submit(alice, { title: 'added while paging' });
        pages += 1;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      expect(pages).toBe(3);
    });

    it('omits nextCursor on the last page', async () => {
      const page = await json(await scryon.fetch('/api/calls?limit=100', { token: alice.idToken }));
      expect(page).not.toHaveProperty('nextCursor');
    });

    it('shapes items as documented, with actionItemCount and firstActionTitle', async () => {
      const page = await json(await scryon.fetch('/api/calls?limit=100', { token: alice.idToken }));
      const completed = page.items.find((item: { callId: string }) => item.callId === ids[0]);
      expect(completed).toEqual({
        callId: ids[0],
        title: 'call 0',
        direction: 'UNKNOWN',
        status: 'COMPLETED',
        createdAt: expect.stringMatching(/Z$/),
        actionItemCount: 2,
        firstActionTitle: 'Send the deck',
      });
      const withContact = page.items.find((item: { callId: string }) => item.callId === ids[1]);
      expect(withContact).toMatchObject({ contactName: 'Ravi', actionItemCount: 0, firstActionTitle: null });
    });

    it('filters by status', async () => {
      const page = await json(await scryon.fetch('/api/calls?status=FAILED', { token: alice.idToken }));
      expect(page.items.map((item: { callId: string }) => item.callId)).toEqual([ids[1]]);
    });

    it.each([['limit=0'], ['limit=101'], ['status=PROCESSING'], ['cursor=not-a-cursor']])(
      'answers %s with 400 validation_failed',
      async (query) => {
        const response = await scryon.fetch(`/api/calls?${query}`, { token: alice.idToken });
        expect(response.status).toBe(400);
        expect((await json(response)).error.code).toBe('validation_failed');
      },
    );

    it("never lists another user's calls", async () => {
      const page = await json(await scryon.fetch('/api/calls', { token: bob.idToken }));
      expect(page.items).toEqual([]);
    });
  });

  describe('GET /api/calls/status', () => {
    it('answers the known ids, omits foreign and unknown ones, and hints the next poll', async () => {
      const mine = await submit(alice);
      const done = await submit(alice);
      await transitionCallStatus(scryon.app.orm.em.fork(), done, 'ANALYZING');
      await transitionCallStatus(scryon.app.orm.em.fork(), done, 'COMPLETED');
      const theirs = await submit(bob);
      const response = await scryon.fetch(`/api/calls/status?ids=${mine},${theirs},${randomUUID()},${done}`, {
        token: alice.idToken,
      });
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({
        items: [
          { callId: mine, status: 'QUEUED' },
          { callId: done, status: 'COMPLETED' },
        ],
        nextPollMs: 3000,
      });
      const settled = await json(await scryon.fetch(`/api/calls/status?ids=${done}`, { token: alice.idToken }));
      expect(settled.nextPollMs).toBeGreaterThan(3000);
    });

    it('answers more than 100 ids, none, or a non-UUID with 400 and the field at fault', async () => {
      const tooMany = Array.from({ length: 101 }, () => randomUUID()).join(',');
      const cases = [
        [`ids=${tooMany}`, { ids: 'at most 100 ids' }],
        ['ids=', { ids: 'at least 1 id' }],
        [`ids=${randomUUID()},abc`, { 'ids.1': 'not a UUID' }],
        [`ids=${randomUUID()}%2Cabc`, { 'ids.1': 'not a UUID' }],
      ] as const;
      for (const [query, fields] of cases) {
        const response = await scryon.fetch(`/api/calls/status?${query}`, { token: alice.idToken });
        expect(response.status, query).toBe(400);
        expect(await json(response), query).toMatchObject({
          error: { code: 'validation_failed', details: { fields } },
        });
      }
    });

    it('reads ids whose commas arrive percent-encoded', async () => {
      const first = await submit(alice);
      const second = await submit(alice);
      const response = await scryon.fetch(`/api/calls/status?ids=${first}%2C${second}`, { token: alice.idToken });
      expect((await json(response)).items.map((item: { callId: string }) => item.callId)).toEqual([first, second]);
    });
  });

  describe('transcript and analysis before completion', () => {
    it.each(['transcript', 'analysis'])('answers %s of a QUEUED call with 422 call_not_completed', async (kind) => {
      const callId = await submit(alice);
      const response = await scryon.fetch(`/api/calls/${callId}/${kind}`, { token: alice.idToken });
      expect(response.status).toBe(422);
      expect((await json(response)).error.code).toBe('call_not_completed');
    });
  });

  describe('ownership', () => {
    it.each([
      ['GET', ''],
      ['GET', '/transcript'],
      ['GET', '/analysis'],
      ['DELETE', ''],
      ['POST', '/reanalyze'],
    ])("answers %s /api/calls/{id}%s of another user's call with 404 call_not_found", async (method, suffix) => {
      const callId = await submit(bob);
      const response = await scryon.fetch(`/api/calls/${callId}${suffix}`, { method, token: alice.idToken });
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe('call_not_found');
      const stillThere = await scryon.fetch(`/api/calls/${callId}`, { token: bob.idToken });
      expect(stillThere.status).toBe(200);
    });

    it('answers an id that is not a UUID with 404 call_not_found', async () => {
      const response = await scryon.fetch('/api/calls/not-a-uuid', { token: alice.idToken });
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe('call_not_found');
    });
  });

  describe('reanalyze', () => {
    it('answers a call that is not COMPLETED with 409 call_not_reanalyzable and its status', async () => {
      const callId = await submit(alice);
      const response = await scryon.fetch(`/api/calls/${callId}/reanalyze`, { method: 'POST', token: alice.idToken });
      expect(response.status).toBe(409);
      expect(await json(response)).toMatchObject({
        error: { code: 'call_not_reanalyzable', details: { status: 'QUEUED' } },
      });
    });

    it('answers a COMPLETED call without a stored transcript with 404', async () => {
      const callId = await submit(alice);
      await setStatus(callId, 'COMPLETED');
      const response = await scryon.fetch(`/api/calls/${callId}/reanalyze`, { method: 'POST', token: alice.idToken });
      expect(response.status).toBe(404);
    });
  });

  describe('DELETE /api/calls/{id}', () => {
    // The clean-up itself (workflow stopped, objects removed) is in test/integration/pipeline/durable-delete.test.ts.
    it('answers 204 with the row gone and its durable clean-up started', async () => {
      const callId = await submit(alice);
      const response = await scryon.fetch(`/api/calls/${callId}`, { method: 'DELETE', token: alice.idToken });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(await scryon.db!.query('select id from call_records where id = $1', [callId])).toEqual([]);
      expect(await scryon.db!.query('select call_id from call_deletions where call_id = $1', [callId])).toEqual([
        { call_id: callId },
      ]);
      expect(await startedWorkflowIds(scryon, [callDeletionWorkflowId(callId)])).toEqual([
        callDeletionWorkflowId(callId),
      ]);
      const again = await scryon.fetch(`/api/calls/${callId}`, { method: 'DELETE', token: alice.idToken });
      expect(again.status).toBe(404);
      const polled = await json(await scryon.fetch(`/api/calls/status?ids=${callId}`, { token: alice.idToken }));
      expect(polled.items).toEqual([]);
    });

    it('replays a retried delete with the same Idempotency-Key as 204', async () => {
      const callId = await submit(alice);
      const key = randomUUID();
      const first = await scryon.fetch(`/api/calls/${callId}`, {
        method: 'DELETE',
        token: alice.idToken,
        headers: { 'idempotency-key': key },
      });
      const retry = await scryon.fetch(`/api/calls/${callId}`, {
        method: 'DELETE',
        token: alice.idToken,
        headers: { 'idempotency-key': key },
      });
      expect([first.status, retry.status]).toEqual([204, 204]);
    });
  });

  describe('DELETE /api/calls (bulk)', () => {
    it('deletes each id independently and counts foreign and unknown ids as missing', async () => {
      const [a, b] = [await submit(alice), await submit(alice)];
      await setStatus(b, 'COMPLETED');
      const foreign = await submit(bob);
      const response = await scryon.fetch('/api/calls', {
        method: 'DELETE',
        token: alice.idToken,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ callIds: [a, b, foreign, randomUUID()] }),
      });
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({ deleted: 2, missing: 2, failed: [] });
      expect(await scryon.db!.query('select id from call_records where id = any($1)', [[a, b]])).toEqual([]);
      expect((await scryon.fetch(`/api/calls/${foreign}`, { token: bob.idToken })).status).toBe(200);
      const expected = [`call-${a}`, callDeletionWorkflowId(a!), callDeletionWorkflowId(b!)];
      expect(await startedWorkflowIds(scryon, expected)).toEqual(expected);
    });

    it('replays a retry with the same Idempotency-Key and refuses the key for another list', async () => {
      const [a, b] = [await submit(alice), await submit(alice)];
      const key = randomUUID();
      const bulkDelete = (callIds: string[]) =>
        scryon.fetch('/api/calls', {
          method: 'DELETE',
          token: alice.idToken,
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ callIds }),
        });
      const first = await json(await bulkDelete([a, b]));
      const retry = await bulkDelete([a, b]);
      expect(retry.status).toBe(200);
      expect(await json(retry)).toEqual(first);
      expect(first).toEqual({ deleted: 2, missing: 0, failed: [] });
      const reused = await bulkDelete([a]);
      expect(reused.status).toBe(409);
      expect((await json(reused)).error.code).toBe('idempotency_key_reused');
    });

    it('answers an empty or oversized list with 400', async () => {
      for (const callIds of [[], Array.from({ length: 101 }, () => randomUUID())]) {
        const response = await scryon.fetch('/api/calls', {
          method: 'DELETE',
          token: alice.idToken,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ callIds }),
        });
        expect(response.status).toBe(400);
      }
    });
  });
});

describe('reanalyze in the prod profile', () => {
  let prod: TestApp;
  beforeAll(async () => {
    prod = await startTestApp({
      roles: { api: true, worker: false },
      // Prod refuses the Auth emulator, so these
      // requests go unauthenticated: a route or field
      // that does not exist answers before auth.
      env: {
        SCRYON_PROFILE: 'prod',
        SCRYON_TOKEN_SECRET: 'a-prod-token-secret-of-at-least-32-chars',
        SCRYON_SANDBOX_PROVIDERS: 'false',
        LEMONFOX_API_KEY: 'unused',
        OPENAI_API_KEY: 'unused',
        FIREBASE_AUTH_EMULATOR_HOST: '',
        FIREBASE_CLIENT_EMAIL: 'scryon-test@example.iam.gserviceaccount.com',
        FIREBASE_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      },
    });
  });
  afterAll(() => prod.close());

  it('is not registered: the route answers 404 and is absent from the OpenAPI document', async () => {
    const response = await prod.fetch(`/api/calls/${randomUUID()}/reanalyze`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect((await json(response)).error.code).toBe('not_found');
    const document = await json(await prod.fetch('/api/openapi.json'));
    expect(Object.keys(document.paths)).not.toContain('/calls/{id}/reanalyze');
    expect(Object.keys(document.paths)).toContain('/calls/{id}');
  });

  it('has no reanalyzeCall mutation and no GraphiQL page over GraphQL', async () => {
    const response = await prod.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { reanalyzeCall(id: "${randomUUID()}") { id } }` }),
    });
    expect(JSON.stringify(await response.json())).toMatch(/Cannot query field \\?"reanalyzeCall/);
    const page = await prod.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
  });
});
