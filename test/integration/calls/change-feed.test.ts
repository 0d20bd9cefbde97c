import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { graphql } from '../../harness/graphql-client.ts';
import { seedCall } from '../../harness/seed-calls.ts';
import { sealedToken } from '../../harness/sealed-tokens.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

// Every answer this file receives under /api must be one the OpenAPI document declares.
type Step =
  | { kind: 'createCall' }
  | { kind: 'updateCall'; pick: number; status: 'TRANSCRIBING' | 'COMPLETED' | 'FAILED' }
  | { kind: 'deleteCall'; pick: number }
  | { kind: 'createItem'; pick: number }
  | { kind: 'updateItem'; pick: number; status: 'DONE' | 'DISMISSED' | 'IN_PROGRESS' }
  | { kind: 'deleteItem'; pick: number }
  | { kind: 'sync'; client: number; pageSize: number }
  | { kind: 'join' };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'createCall' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('updateCall' as const),
      pick: fc.nat(),
      status: fc.constantFrom('TRANSCRIBING' as const, 'COMPLETED' as const, 'FAILED' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteCall' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('createItem' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('updateItem' as const),
      pick: fc.nat(),
      status: fc.constantFrom('DONE' as const, 'DISMISSED' as const, 'IN_PROGRESS' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteItem' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sync' as const),
      client: fc.nat(),
      pageSize: fc.integer({ min: 1, max: 7 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'join' as const }) },
);

/**
 * The feed returns a change once every transaction older than it has ended,
 * anywhere on the server (another connection's, autovacuum's): a change is
 * never lost, but may show a moment late. This retries until it shows, and
 * fails if it never does.
 */
async function eventually(check: () => Promise<void>, attempts = 50): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await check();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** An offline client: its copy of the user's calls and items, and where it stands in the feed. */
interface Replica {
  token: string;
  calls: Map<string, unknown>;
  items: Map<string, unknown>;
}

describe.each(['postgres', 'pglite'] as const)('the change feed, on %s', (database) => {
  let scryon: TestApp;

  beforeAll(async () => {
    // One client syncing many times a second is the test, not abuse.
    scryon = await startTestApp({
      database,
      roles: { api: true, worker: false },
      env: { SCRYON_RATE_LIMIT_USER_PER_MINUTE: '1000000', SCRYON_RATE_LIMIT_IP_PER_MINUTE: '1000000' },
    });
  });
  afterAll(() => scryon.close());

  const get = async (user: EmulatorUser, path: string) => {
    const response = await scryon.fetch(path, { token: user.idToken });
    expect(response.status).toBe(200);
    return json(response);
  };

  /** What the server holds now, as the list and the items endpoint show it. */
  async function serverState(user: EmulatorUser) {
    const calls = new Map<string, unknown>();
    let cursor: string | undefined;
    do {
      const page = await get(user, `/api/calls?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      for (const call of page.items) calls.set(call.callId, call);
      cursor = page.nextCursor;
    } while (cursor);
    const items = new Map<string, unknown>(
      ((await get(user, '/api/actions')) as Array<{ id: string }>).map((item) => [item.id, item]),
    );
    return { calls, items };
  }

  /** A client joining now: the token first, then the full list; the feed carries whatever follows. */
  async function join(user: EmulatorUser): Promise<Replica> {
    const { nextToken } = await get(user, '/api/calls/changes');
    return { token: nextToken, ...(await serverState(user)) };
  }

  async function sync(user: EmulatorUser, replica: Replica, pageSize: number): Promise<void> {
    for (let page = 0; page < 10_000; page += 1) {
      const body = await get(user, `/api/calls/changes?since=${replica.token}&limit=${pageSize}`);
      for (const change of body.changes) {
        const copy = change.entity === 'call' ? replica.calls : replica.items;
        if (change.op === 'delete') copy.delete(change.id);
        else copy.set(change.id, change.entity === 'call' ? change.call : change.actionItem);
      }
      replica.token = body.nextToken;
      if (!body.hasMore) return;
    }
    throw new Error('the feed never ended');
  }

  it('reproduces the server’s final state from any token, in pages of any size, any writes interleaved', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArbitrary, { minLength: 10, maxLength: 40 }),
        fc.integer({ min: 1, max: 9 }),
        async (steps, finalPageSize) => {
          const user = await signUpUser();
          const userId = (await get(user, '/api/users/me')).id as string;
          const replicas: Replica[] = [await join(user)];
          const calls: string[] = [];
          const items: string[] = [];
          const pick = <T>(list: T[], index: number) => list[index % list.length];
          for (const step of steps) {
            if (step.kind === 'createCall') {
              calls.push(
                await seedCall(scryon, {
                  userId,
                  title: `Call ${calls.length}`,
                  direction: 'OUTGOING',
                  durationSeconds: 30,
                }),
              );
            } else if (step.kind === 'updateCall' && calls.length) {
              await scryon.app.orm.em
                .fork()
                .getConnection()
                .execute('update call_records set status = ?, updated_at = now() where id = ?', [
                  step.status,
                  pick(calls, step.pick),
                ]);
            } else if (step.kind === 'deleteCall' && calls.length) {
              const id = pick(calls, step.pick)!;
              await scryon.app.services.calls.deleteCall(userId, id);
              calls.splice(calls.indexOf(id), 1);
            } else if (step.kind === 'createItem' && calls.length) {
              items.push(
                (
                  await scryon.app.services.actions.create(userId, pick(calls, step.pick)!, {
                    title: `Item ${items.length}`,
                  })
                ).id,
              );
            } else if (step.kind === 'updateItem' && items.length) {
              await scryon.app.services.actions
                .updateStatus(userId, pick(items, step.pick)!, step.status)
                .catch(() => undefined);
            } else if (step.kind === 'deleteItem' && items.length) {
              await scryon.app.services.actions.remove(userId, pick(items, step.pick)!).catch(() => undefined);
            } else if (step.kind === 'sync') {
              await sync(user, pick(replicas, step.client)!, step.pageSize);
            } else if (step.kind === 'join') {
              replicas.push(await join(user));
            }
          }
          const expected = await serverState(user);
          for (const replica of replicas) {
            await eventually(async () => {
              await sync(user, replica, finalPageSize);
              expect(replica.calls).toEqual(expected.calls);
              expect(replica.items).toEqual(expected.items);
            });
          }
        },
      ),
      { numRuns: 12, seed: 23 },
    );
  });

  it('answers the same on tRPC and GraphQL, and keeps tombstones of deleted calls', async () => {
    const user = await signUpUser();
    const userId = (await get(user, '/api/users/me')).id as string;
    const { nextToken: start } = await get(user, '/api/calls/changes');
    const id = await seedCall(scryon, { userId, title: 'Soon gone', direction: 'INCOMING' });
    await scryon.app.services.calls.deleteCall(userId, id);
    let rest: any;
    await eventually(async () => {
      rest = await get(user, `/api/calls/changes?since=${start}`);
      expect(rest.changes).toEqual([{ entity: 'call', id, op: 'delete', changedAt: expect.any(String) }]);
    });
    const trpc = await json(
      await scryon.fetch(`/trpc/calls.changes?input=${encodeURIComponent(JSON.stringify({ since: start }))}`, {
        token: user.idToken,
      }),
    );
    expect(trpc.result.data.changes).toEqual(rest.changes);
    const result = await graphql(
      scryon,
      user.idToken,
      'query ($since: String) { changes(since: $since) { changes { entity id op call { id } } hasMore } }',
      { since: start },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.changes).toEqual({
      changes: [{ entity: 'call', id, op: 'delete', call: null }],
      hasMore: false,
    });
  });

  it('refuses a token it never issued with 400, one older than the log keeps with 410 sync_token_expired', async () => {
    const user = await signUpUser();
    const token = (at: number) => sealedToken(scryon, 'changes.token', { t: '1', s: 0, at });
    for (const since of ['nope', Buffer.from('{"t":"x"}').toString('base64url'), token(Date.now() + 86_400_000)]) {
      const response = await scryon.fetch(`/api/calls/changes?since=${since}`, { token: user.idToken });
      expect(response.status).toBe(400);
    }
    const expired = await scryon.fetch(`/api/calls/changes?since=${token(Date.now() - 31 * 86_400_000)}`, {
      token: user.idToken,
    });
    expect(expired.status).toBe(410);
    expect((await json(expired)).error.code).toBe('sync_token_expired');
  });
});
