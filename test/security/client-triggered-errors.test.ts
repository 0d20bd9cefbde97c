import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../harness/audio.ts';
import { json, storedKeys, uploadCall, userRowId } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { waitFor } from '../harness/free-port.ts';
import { graphql, subscriptionErrors, wsClient } from '../harness/graphql-client.ts';
import { sealedToken } from '../harness/sealed-tokens.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';
import { RawConnection } from './raw-http.ts';

/** Every file under the storage root, half-written temp files included. */
function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Inputs a hostile or broken client sends that once answered 500; each is a documented 4xx now. */
describe('client-triggerable failures are 4xx, never 500', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false }, captureLogs: true });
    alice = await signUpUser();
  });
  afterAll(() => scryon.close());

  const noErrorLogged = () =>
    expect(scryon.logLines.filter((line) => /"level":"(error|fatal)"/.test(line))).toEqual([]);

  it.each([
    ['year -271821', { key: '-271821-04-20T00:00:00.000Z' }],
    ['year 0000', { key: '0000-01-01T00:00:00Z' }],
    ['year 275760', { key: '+275760-09-13T00:00:00.000Z' }],
    ['a number', { key: 8.64e15 }],
  ])('a forged list cursor with %s is 400 validation_failed', async (_name, cursor) => {
    // Sealed with the server's own secret: the bounds behind the seal hold by themselves.
    const forged = sealedToken(scryon, 'calls.cursor', { sort: '-createdAt', ...cursor });
    const response = await scryon.fetch(`/api/calls?cursor=${forged}`, { token: alice.idToken });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('validation_failed');
    noErrorLogged();
  });

  it('year 0000 in recordedAt is 400 naming metadata.recordedAt and stores nothing', async () => {
    const response = await uploadCall(scryon, alice.idToken, {
      file: { bytes: wavBytes(1) },
      metadata: { recordedAt: '0000-01-01T00:00:00Z' },
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error.details.fields).toHaveProperty(['metadata.recordedAt']);
    expect(await storedKeys(scryon, `users/${await userRowId(scryon, alice.uid)}/`)).toEqual([]);
    noErrorLogged();
  });

  it('year 0000 in an action item dueDate is validation_failed on REST and tRPC alike', async () => {
    const { callId } = await json(await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) } }));
    const rest = await scryon.fetch(`/api/calls/${callId}/action-items`, {
      method: 'POST',
      token: alice.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', dueDate: '0000-01-01' }),
    });
    expect(rest.status).toBe(400);
    expect((await json(rest)).error.details.fields).toHaveProperty('dueDate');
    const trpc = await scryon.fetch('/trpc/actions.create', {
      method: 'POST',
      token: alice.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callId, title: 'x', dueDate: '0000-01-01' }),
    });
    expect(trpc.status).toBe(400);
    expect((await json(trpc)).error.data.appError.code).toBe('validation_failed');
    noErrorLogged();
  });

  it('NUL (invalid in PostgreSQL text) is validation_failed on all surfaces and uploads, stores nothing', async () => {
    const { callId } = await json(await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) } }));
    const post = (path: string, body: unknown) =>
      scryon.fetch(path, {
        method: 'POST',
        token: alice.idToken,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const rest = await post(`/api/calls/${callId}/action-items`, { title: 'call back\u0000' });
    expect(rest.status).toBe(400);
    expect((await json(rest)).error.details.fields).toHaveProperty('title');
    const trpc = await post('/trpc/actions.create', { callId, title: 'x', description: 'a\u0000b' });
    expect((await json(trpc)).error.data.appError.code).toBe('validation_failed');
    const gql = await graphql(scryon, alice.idToken, 'mutation ($q: String!) { updateMe(displayName: $q) { id } }', {
      q: 'Al\u0000ice',
    });
    expect(gql.errors?.[0]?.extensions?.code).toBe('validation_failed');
    const search = await scryon.fetch(`/api/calls/search?q=${encodeURIComponent('ravi\u0000')}`, {
      token: alice.idToken,
    });
    expect(search.status).toBe(400);
    expect(await json(await scryon.fetch(`/api/calls/${callId}/action-items`, { token: alice.idToken }))).toEqual([]);

    const upload = await uploadCall(scryon, alice.idToken, {
      file: { bytes: wavBytes(1) },
      metadata: { contactName: 'Ra\u0000vi' },
    });
    expect(upload.status).toBe(400);
    expect((await json(upload)).error.details.fields).toHaveProperty(['metadata.contactName']);
    expect(await scryon.db!.query('select id from call_records where contact_name like $1', ['Ra%'])).toEqual([]);
    noErrorLogged();
  });

  it.each(['/trpc/users.updateMe', '/trpc/calls%252Esubmit'])(
    'tRPC refuses a multipart body at %s before reading it, in its own format',
    async (target) => {
      // Announced as 64 MB and never sent: an answer that waited for the body would never come.
      const connection = await RawConnection.open(scryon.url);
      try {
        connection.write(
          `POST ${target} HTTP/1.1\r\nHost: scryon.test\r\nAuthorization: Bearer ${alice.idToken}\r\n` +
            `Content-Type: multipart/form-data; boundary=x\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n--x\r\n`,
        );
        const answer = await connection.response();
        expect(answer?.status).toBe(400);
        expect(answer?.json()).toMatchObject({ error: { data: { appError: { code: 'validation_failed' } } } });
      } finally {
        connection.destroy();
      }
      noErrorLogged();
    },
  );

  it('tRPC answers a batch larger than its limit, and a mutation over GET, with documented codes', async () => {
    const calls = Array.from({ length: 11 }, () => 'users.me').join(',');
    const batch = await scryon.fetch(`/trpc/${calls}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`, {
      token: alice.idToken,
    });
    expect(batch.status).toBe(400);
    const overGet = await scryon.fetch('/trpc/calls.delete', { token: alice.idToken });
    expect(overGet.status).toBe(405);
    expect((await json(overGet)).error.data.appError.code).toBe('not_found');
    noErrorLogged();
  });

  it.each(['actions(first: -1)', 'actions(after: "bogus")'])(
    'GraphQL %s is validation_failed, not a 500',
    async (field) => {
      const answer = await graphql(scryon, alice.idToken, `{ ${field} { edges { node { id } } } }`);
      expect(answer.errors?.[0]?.extensions?.code).toBe('validation_failed');
      noErrorLogged();
    },
  );

  it('non-UUID ids in GraphQL callStatuses are validation_failed, as on REST', async () => {
    const answer = await graphql(scryon, alice.idToken, 'query ($ids: [ID!]!) { callStatuses(ids: $ids) { callId } }', {
      ids: ["'; drop table call_records; --", 'x'.repeat(5000)],
    });
    expect(answer.errors?.[0]?.extensions?.code).toBe('validation_failed');
    noErrorLogged();
  });

  it('non-UUID ids in a GraphQL subscription are refused with validation_failed over graphql-ws', async () => {
    const client = wsClient(scryon, alice.idToken);
    try {
      const errors = await subscriptionErrors(client, {
        query: 'subscription ($ids: [ID!]!) { callStatusChanged(ids: $ids) { status } }',
        variables: { ids: ['not-a-uuid'] },
      });
      expect(errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'validation_failed' }) }),
      ]);
    } finally {
      await client.dispose();
    }
    noErrorLogged();
  });

  it('deleting the account while its upload is still arriving answers the upload 401 and keeps nothing', async () => {
    const bob = await signUpUser();
    const me = await scryon.fetch('/api/users/me', { token: bob.idToken });
    expect(me.status, await me.clone().text()).toBe(200);
    const bobId = await userRowId(scryon, bob.uid);
    const wav = wavBytes(2);
    const boundary = 'scryon-delete-race';
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="call.wav"\r\n` +
      `Content-Type: audio/wav\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    const { port } = new URL(scryon.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      `POST /api/calls/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${bob.idToken}\r\nConnection: ` +
        `close\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\n` +
        `Content-Length: ${head.length + wav.length + tail.length}\r\n\r\n`,
    );
    socket.write(head);
    socket.write(wav.subarray(0, 8192));
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    await waitFor(
      async () => filesUnder(scryon.env.OBJECT_STORAGE_LOCAL_PATH!).length > 0,
      'the upload to reach storage',
      10_000,
    );
    expect((await scryon.fetch('/api/users/me', { method: 'DELETE', token: bob.idToken })).status).toBe(204);
    socket.write(wav.subarray(8192));
    socket.write(tail);
    const raw = await answer;
    expect(raw).toMatch(/^HTTP\/1\.1 401 /);
    expect(raw).toContain('"code":"auth_invalid"');
    expect(await scryon.db!.query('select id from call_records where user_id = $1', [bobId])).toEqual([]);
    expect(await storedKeys(scryon, `users/${bobId}/`)).toEqual([]);
    expect((await scryon.fetch('/api/health')).status).toBe(200);
    noErrorLogged();
  });
});
