import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { transitionCallStatus } from '../../../src/calls/call-status.ts';
import { wavBytes } from '../../harness/audio.ts';
import { json, uploadCall, userRowId } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { graphql, sseEvents, wsClient } from '../../harness/graphql-client.ts';
import { opened, startTestApp, type TestApp } from '../../harness/test-app.ts';

describe('GraphQL at /graphql', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;
  let bob: EmulatorUser;
  const submit = async (user: EmulatorUser, title = 'graph') =>
    (await json(await uploadCall(scryon, user.idToken, { file: { bytes: wavBytes(1) }, metadata: { title } })))
      .callId as string;

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    [alice, bob] = [await signUpUser(), await signUpUser()];
  });
  afterAll(() => scryon.close());

  it("pages the caller's calls as a relay connection, with action items batched per page", async () => {
    const ids = [await submit(alice, 'one'), await submit(alice, 'two'), await submit(alice, 'three')];
    const aliceId = await userRowId(scryon, alice.uid);
    await scryon.db!.query(
      `insert into action_items (id, user_id, call_record_id, title, status, source, source_segment_ids_json, ` +
        `created_at, updated_at)
       values ($1, $2, $3, 'Follow up', 'OPEN', 'AI', '[]', now(), now())`,
      [randomUUID(), aliceId, ids[0]],
    );
    const query =
      `query($after: String) { calls(first: 2, after: $after) { edges { cursor node { id title status ` +
      `actionItems { title } } } pageInfo { hasNextPage endCursor } } }`;
    const first = await graphql(scryon, alice.idToken, query);
    expect(first.errors).toBeUndefined();
    expect(first.data.calls.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[2], ids[1]]);
    expect(first.data.calls.pageInfo.hasNextPage).toBe(true);
    const second = await graphql(scryon, alice.idToken, query, { after: first.data.calls.pageInfo.endCursor });
    expect(second.data.calls.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[0]]);
    expect(second.data.calls.edges[0].node.actionItems).toEqual([{ title: 'Follow up' }]);
    expect(second.data.calls.pageInfo.hasNextPage).toBe(false);
    const bobs = await graphql(scryon, bob.idToken, '{ calls { edges { node { id } } } }');
    expect(bobs.data.calls.edges).toEqual([]);
    const actions = await graphql(
      scryon,
      alice.idToken,
      '{ actions(first: 10) { edges { node { title callId status } } pageInfo { hasNextPage } } }',
    );
    expect(actions.data.actions).toEqual({
      edges: [{ node: { title: 'Follow up', callId: ids[0], status: 'OPEN' } }],
      pageInfo: { hasNextPage: false },
    });
    const done = await graphql(
      scryon,
      alice.idToken,
      'mutation($id: ID!) { updateActionStatus(id: $id, status: DONE) { status } }',
      {
        id: (await graphql(scryon, alice.idToken, '{ actions { edges { node { id } } } }')).data.actions.edges[0].node
          .id,
      },
    );
    expect(done.data.updateActionStatus.status).toBe('DONE');
    expect(
      (await graphql(scryon, alice.idToken, '{ stats { completedActionItems } me { id } }')).data.stats
        .completedActionItems,
    ).toBe(1);
  });

  it("answers another user's call as null, and a call's transcript as null before completion", async () => {
    const callId = await submit(alice);
    const foreign = await graphql(scryon, bob.idToken, 'query($id: ID!) { call(id: $id) { id } }', { id: callId });
    expect(foreign).toEqual({ data: { call: null } });
    const fields = 'id status recordedAt errorReason transcript { cleanText } analysis { oneLineSummary }';
    const mine = await graphql(scryon, alice.idToken, `query($id: ID!) { call(id: $id) { ${fields} } }`, {
      id: callId,
    });
    expect(mine.data.call).toMatchObject({
      id: callId,
      status: 'QUEUED',
      errorReason: null,
      transcript: null,
      analysis: null,
    });
  });

  it('answers an unauthenticated query with code auth_missing', async () => {
    const response = await graphql(scryon, undefined, '{ me { id } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('auth_missing');
  });

  it('deletes calls and reports statuses through mutations and queries', async () => {
    const [a, b] = [await submit(alice), await submit(alice)];
    const statuses = await graphql(
      scryon,
      alice.idToken,
      'query($ids: [ID!]!) { callStatuses(ids: $ids) { callId status } }',
      { ids: [a, b, randomUUID()] },
    );
    expect(statuses.data.callStatuses).toHaveLength(2);
    expect(
      (await graphql(scryon, alice.idToken, 'mutation($id: ID!) { deleteCall(id: $id) }', { id: a })).data,
    ).toEqual({ deleteCall: true });
    const bulk = await graphql(
      scryon,
      alice.idToken,
      'mutation($ids: [ID!]!) { deleteCalls(ids: $ids) { deleted missing } }',
      { ids: [a, b] },
    );
    expect(bulk.data.deleteCalls).toEqual({ deleted: 1, missing: 1 });
    const gone = await graphql(scryon, bob.idToken, 'mutation($id: ID!) { deleteCall(id: $id) }', { id: b });
    expect(gone.errors?.[0]?.extensions?.code).toBe('call_not_found');
  });

  it('submits a recording through an upload, and refuses a multipart body', async () => {
    const opened = await graphql(
      scryon,
      alice.idToken,
      'mutation { createUpload { uploadId uploadUrl method maxBytes expiresAt } }',
    );
    const upload = opened.data.createUpload;
    expect(upload).toMatchObject({ method: 'PUT', uploadId: expect.any(String) });
    const put = await fetch(new URL(upload.uploadUrl, scryon.url), {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice.idToken}` },
      body: new Uint8Array(wavBytes(1)),
    });
    expect(put.status).toBe(200);
    const submitted = await graphql(
      scryon,
      alice.idToken,
      'mutation($id: ID!, $metadata: JSON) { submitCall(uploadId: $id, metadata: $metadata) { callId status } }',
      { id: upload.uploadId, metadata: { title: 'via graphql' } },
    );
    expect(submitted.data.submitCall).toEqual({ callId: upload.uploadId, status: 'QUEUED' });
    const detail = await json(await scryon.fetch(`/api/calls/${upload.uploadId}`, { token: alice.idToken }));
    expect(detail.title).toBe('via graphql');

    const multipart = new FormData();
    multipart.append('operations', JSON.stringify({ query: '{ __typename }' }));
    multipart.append('map', '{}');
    const refused = await scryon.fetch('/graphql', {
      method: 'POST',
      token: alice.idToken,
      body: multipart,
      headers: { 'graphql-require-preflight': '1' },
    });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.message).toContain('createUpload');
  });

  it('refuses a query over the cost limit before running it', async () => {
    const field = 'calls(first: 100) { edges { node { id title status actionItems { id title status sourceText } } } }';
    const wide = `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
    const response = await graphql(scryon, alice.idToken, wide);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]?.message).toMatch(/cost/i);
  });

  it('refuses a query deeper than the depth limit before running it', async () => {
    const nested = (depth: number, inner: string): string =>
      depth === 0 ? inner : `... on Query { ${nested(depth - 1, inner)} }`;
    const tooDeep = await graphql(
      scryon,
      alice.idToken,
      `{ ${nested(8, 'calls(first: 1) { edges { node { id } } }')} }`,
    );
    expect(tooDeep.data).toBeUndefined();
    expect(tooDeep.errors?.[0]?.message).toMatch(/depth/i);
    const withinLimit = await graphql(
      scryon,
      alice.idToken,
      `{ ${nested(2, 'calls(first: 1) { edges { node { id } } }')} }`,
    );
    expect(withinLimit.errors).toBeUndefined();
  });

  it('serves GraphiQL outside prod', async () => {
    const page = await scryon.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/graphiql/i);
  });

  it('keeps schema/schema.graphql and schema/openapi.json in step with the code', () => {
    const check = spawnSync(process.execPath, ['src/api/generate-contracts.ts', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(readFileSync('schema/schema.graphql', 'utf8')).toContain(
      'myCallStatusChanged(lastEventId: String): CallStatusEvent!',
    );
  });
});

describe('GraphQL subscriptions across two API instances', () => {
  let first: TestApp;
  let second: TestApp;
  let user: EmulatorUser;
  beforeAll(async () => {
    first = await startTestApp({ roles: { api: true, worker: false } });
    second = await startTestApp({ roles: { api: true, worker: false }, shareWith: first });
    user = await signUpUser();
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  const newCall = async () =>
    (await json(await uploadCall(first, user.idToken, { file: { bytes: wavBytes(1) } }))).callId as string;

  it('delivers callStatusChanged over SSE, starting with the current status', async () => {
    const callId = await newCall();
    const following = () => second.app.services.callEvents.joinsInTotal();
    const before = following();
    const events = await sseEvents(
      second,
      user.idToken,
      `subscription { callStatusChanged(ids: ["${callId}"]) { callId status } }`,
      2,
      async () => {
        while (following() <= before) await new Promise((resolve) => setTimeout(resolve, 10));
        await transitionCallStatus(first.app.orm.em.fork(), callId, 'TRANSCRIBING');
      },
    );
    expect(events.map((event) => event.data.callStatusChanged.status)).toEqual(['QUEUED', 'TRANSCRIBING']);
  });

  it('delivers myCallStatusChanged over graphql-ws', async () => {
    const callId = await newCall();
    const client = wsClient(second, user.idToken);
    try {
      let received!: Promise<any>;
      await opened(second, () => {
        received = new Promise<any>((resolve, reject) => {
          client.subscribe(
            { query: 'subscription { myCallStatusChanged { callId status } }' },
            {
              // A stream "from now" may also carry changes of a moment
              // before it opened (this call's QUEUED, the last test's).
              next: (event: any) => {
                const change = event.data?.myCallStatusChanged;
                if (change?.callId === callId && change.status === 'TRANSCRIBING') resolve(event);
              },
              error: reject,
              complete: () => undefined,
            },
          );
        });
      });
      await transitionCallStatus(first.app.orm.em.fork(), callId, 'TRANSCRIBING');
      expect((await received).data.myCallStatusChanged).toEqual({ callId, status: 'TRANSCRIBING' });
    } finally {
      await client.dispose();
    }
  });

  it('delivers callStatusChanged over graphql-ws and refuses a connection without a token', async () => {
    const callId = await newCall();
    const client = wsClient(second, user.idToken);
    try {
      const seen: string[] = [];
      let done!: Promise<void>;
      await opened(second, () => {
        done = new Promise<void>((resolve, reject) => {
          client.subscribe(
            { query: `subscription { callStatusChanged(ids: ["${callId}"]) { status } }` },
            {
              next: (event: any) => {
                seen.push(event.data.callStatusChanged.status);
                if (seen.length === 2) resolve();
              },
              error: reject,
              complete: () => undefined,
            },
          );
        });
      });
      await transitionCallStatus(first.app.orm.em.fork(), callId, 'ANALYZING');
      await done;
      expect(seen).toEqual(['QUEUED', 'ANALYZING']);
    } finally {
      await client.dispose();
    }
    const anonymous = wsClient(second, '');
    const error = await new Promise<{ code?: number }>((resolve) => {
      anonymous.subscribe(
        { query: 'subscription { myCallStatusChanged { status } }' },
        { next: () => resolve({}), error: (e) => resolve(e as { code?: number }), complete: () => resolve({}) },
      );
    });
    await anonymous.dispose();
    expect(error.code).toBe(4403);
  });
});
