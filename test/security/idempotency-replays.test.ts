import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../harness/audio.ts';
import { json, uploadCall } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { graphql } from '../harness/graphql-client.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

/** An attacker who holds an old Idempotency-Key must not read back what was deleted since. */
describe('idempotent replays after a hard delete', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;

  const send = (path: string, method: string, key: string, body?: unknown) =>
    scryon.fetch(path, {
      method,
      token: alice.idToken,
      headers: { 'idempotency-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    alice = await signUpUser();
  });
  afterAll(() => scryon.close());

  it('a replayed action-item update after the item was deleted answers 404, not the deleted content', async () => {
    const { callId } = await json(await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) } }));
    const created = await json(
      await send(`/api/calls/${callId}/action-items`, 'POST', randomUUID(), { title: 'Wire the deposit to Ravi' }),
    );
    const updateKey = randomUUID();
    expect((await send(`/api/actions/${created.id}`, 'PATCH', updateKey, { status: 'DONE' })).status).toBe(200);
    expect((await send(`/api/action-items/${created.id}`, 'DELETE', randomUUID())).status).toBe(204);

    const replay = await send(`/api/actions/${created.id}`, 'PATCH', updateKey, { status: 'DONE' });
    expect(replay.status).toBe(404);
    const text = await replay.text();
    expect(JSON.parse(text).error.code).toBe('action_item_not_found');
    expect(text).not.toContain('Wire the deposit');
  });

  it('a replayed reanalysis or item creation after the call was deleted does not return the call', async () => {
    const { callId } = await json(
      await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) }, metadata: { title: 'Salary talk' } }),
    );
    const createKey = randomUUID();
    expect(
      (await send(`/api/calls/${callId}/action-items`, 'POST', createKey, { title: 'Send the salary figures' })).status,
    ).toBe(201);
    expect((await send(`/api/calls/${callId}`, 'DELETE', randomUUID())).status).toBe(204);

    const replay = await send(`/api/calls/${callId}/action-items`, 'POST', createKey, {
      title: 'Send the salary figures',
    });
    expect(replay.status).toBe(404);
    expect(await replay.text()).not.toContain('salary');
    expect(
      await scryon.db!.query(`select 1 from idempotency_keys where response_body::text like $1`, [`%${callId}%`]),
    ).toEqual([]);
  });

  it('a delete replayed with its key still answers 204 on REST and true on GraphQL', async () => {
    const { callId } = await json(await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) } }));
    const key = randomUUID();
    expect((await send(`/api/calls/${callId}`, 'DELETE', key)).status).toBe(204);
    expect((await send(`/api/calls/${callId}`, 'DELETE', key)).status).toBe(204);
    const viaGraphql = await graphql(
      scryon,
      alice.idToken,
      'mutation ($id: ID!) { deleteCall(id: $id) }',
      { id: callId },
      { 'idempotency-key': key },
    );
    expect(viaGraphql).toEqual({ data: { deleteCall: true } });
  });
});

describe('one Idempotency-Key on a request that runs several mutations', () => {
  let scryon: TestApp;
  let bob: EmulatorUser;

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    bob = await signUpUser();
  });
  afterAll(() => scryon.close());

  const twoRenames =
    'mutation ($first: String!, $second: String!) { a: updateMe(displayName: $first) { displayName } b: ' +
    'updateMe(displayName: $second) { displayName } }';

  it('gives each mutation of a GraphQL document its own answer, and a retry replays them all', async () => {
    const key = randomUUID();
    const first = await graphql(
      scryon,
      bob.idToken,
      twoRenames,
      { first: 'Bob One', second: 'Bob Two' },
      { 'idempotency-key': key },
    );
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({ a: { displayName: 'Bob One' }, b: { displayName: 'Bob Two' } });
    await graphql(scryon, bob.idToken, 'mutation { updateMe(displayName: "Bob Later") { id } }');

    const retry = await graphql(
      scryon,
      bob.idToken,
      twoRenames,
      { first: 'Bob One', second: 'Bob Two' },
      { 'idempotency-key': key },
    );
    expect(retry).toEqual(first);
    expect((await json(await scryon.fetch('/api/users/me', { token: bob.idToken }))).displayName).toBe('Bob Later');

    const changed = await graphql(
      scryon,
      bob.idToken,
      twoRenames,
      { first: 'Bob One', second: 'Someone Else' },
      { 'idempotency-key': key },
    );
    expect(changed.errors?.map((error) => error.extensions?.code)).toEqual(['idempotency_key_reused']);
  });

  it('gives each call of a tRPC batch its own answer, and a retry replays them all', async () => {
    const key = randomUUID();
    const batch = () =>
      scryon.fetch('/trpc/users.updateMe,users.updateMe?batch=1', {
        method: 'POST',
        token: bob.idToken,
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ 0: { displayName: 'Batch One' }, 1: { displayName: 'Batch Two' } }),
      });
    const first = await json(await batch());
    expect(
      first.map((answer: { result?: { data: { displayName: string } } }) => answer.result?.data.displayName),
    ).toEqual(['Batch One', 'Batch Two']);
    for (let retry = 0; retry < 3; retry += 1) expect(await json(await batch())).toEqual(first);
  });
});

/** A write that committed is never done twice under one key, even when its answer could not be kept. */
for (const database of ['postgres', 'pglite'] as const)
  describe(`on ${database}: an Idempotency-Key whose stored answer fails after the write committed`, () => {
    let scryon: TestApp;
    let alice: EmulatorUser;

    beforeAll(async () => {
      scryon = await startTestApp({
        database,
        roles: { api: true, worker: false },
        expectedServerErrors: /answer store unavailable/,
      });
      alice = await signUpUser();
      // The failure a full disk or a lost connection would cause, at the one moment that matters: storing a 2xx answer.
      const em = scryon.app.orm.em.fork();
      await em.execute(`create function refuse_success_answers() returns trigger language plpgsql as $$
      begin raise exception 'answer store unavailable'; end $$`);
      await em.execute(`create trigger refuse_success_answers before update on idempotency_keys
      for each row when (new.response_status between 200 and 299) execute function refuse_success_answers()`);
    });
    afterAll(() => scryon.close());

    const itemsOf = async (callId: string) =>
      json(await scryon.fetch(`/api/calls/${callId}/action-items`, { token: alice.idToken }));

    it.each([
      [
        'REST',
        (callId: string, key: string) =>
          scryon.fetch(`/api/calls/${callId}/action-items`, {
            method: 'POST',
            token: alice.idToken,
            headers: { 'idempotency-key': key, 'content-type': 'application/json' },
            body: JSON.stringify({ title: 'Call Ravi back' }),
          }),
      ],
      [
        'tRPC',
        (callId: string, key: string) =>
          scryon.fetch('/trpc/actions.create', {
            method: 'POST',
            token: alice.idToken,
            headers: { 'idempotency-key': key, 'content-type': 'application/json' },
            body: JSON.stringify({ callId, title: 'Call Ravi back' }),
          }),
      ],
    ])('on %s, a retry is told the key is in doubt and writes nothing', async (_surface, create) => {
      const { callId } = await json(await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) } }));
      const key = randomUUID();
      const first = await create(callId, key);
      expect(first.status).toBe(500);
      for (let retry = 0; retry < 3; retry++) {
        const again = await create(callId, key);
        expect(again.status).toBe(409);
        expect(JSON.stringify(await json(again))).toContain('idempotency_request_in_progress');
      }
      const titles = JSON.stringify(await itemsOf(callId)).match(/Call Ravi back/g) ?? [];
      expect(titles).toHaveLength(1);
    });

    it('on the streamed upload, a retry is told the key is in doubt and stores no second call', async () => {
      const key = randomUUID();
      const upload = () =>
        uploadCall(
          scryon,
          alice.idToken,
          { file: { bytes: wavBytes(1) }, metadata: { title: 'Kept once' } },
          { 'idempotency-key': key },
        );
      expect((await upload()).status).toBe(500);
      const again = await upload();
      expect(again.status).toBe(409);
      expect((await json(again)).error.code).toBe('idempotency_request_in_progress');
      const calls = await json(await scryon.fetch('/api/calls?limit=100', { token: alice.idToken }));
      expect(JSON.stringify(calls).match(/Kept once/g)).toHaveLength(1);
    });
  });
