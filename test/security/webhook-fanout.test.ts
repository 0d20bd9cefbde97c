import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Em, type Orm } from '../../src/db/orm.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { deliveriesOf } from '../../src/webhooks/webhook-delivery-queries.ts';
import { startWebhookDispatcher, type DeliveryRuns } from '../../src/webhooks/webhook-dispatcher.ts';
import { json, jsonApi } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { graphql } from '../harness/graphql-client.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../harness/test-database.ts';

type Started = Parameters<DeliveryRuns['start']>[0] & { transactionOpen: boolean };

const PER_USER = 5;
const NOISY_BACKLOG = 60;
const QUIET_BACKLOG = 3;
/** A bus that never signals: the test drives the dispatcher by `drain`. */
const silent = () => () => undefined;

/**
 * One user's burst of webhook deliveries must not stall anyone else: the
 * dispatcher starts workflows with no transaction open (on the embedded
 * database one open transaction holds every other statement), and a pass
 * starts at most PER_USER of any one user's deliveries.
 */
describe.each(['postgres', 'pglite'] as const)('the webhook fan-out on %s', (kind) => {
  let orm: Orm;
  let db: TestDatabase | undefined;
  let transactionsOpen = 0;

  beforeAll(async () => {
    db = kind === 'postgres' ? await createTestDatabase() : undefined;
    orm = await openDatabase(db ? { url: db.url, pgliteDir: '' } : { pgliteDir: 'memory://' });
  });
  afterAll(async () => {
    await orm.close();
    await db?.drop();
  });

  /** A fork whose transactions are counted while they are open. */
  const countingFork = (): Em => {
    const em = orm.em.fork();
    const transactional = em.transactional.bind(em) as (...args: unknown[]) => Promise<unknown>;
    const counted = async (...args: unknown[]) => {
      transactionsOpen += 1;
      try {
        return await transactional(...args);
      } finally {
        transactionsOpen -= 1;
      }
    };
    Object.assign(em, { transactional: counted });
    return em;
  };

  async function userWithBacklog(deliveries: number): Promise<{ userId: string; endpointId: string }> {
    const userId = randomUUID();
    const endpointId = randomUUID();
    const em = orm.em.fork();
    await em.execute(`insert into users (id, external_user_id, created_at, updated_at) values (?, ?, now(), now())`, [
      userId,
      `fanout-${userId}`,
    ]);
    await em.execute(
      `insert into webhook_endpoints (id, user_id, url, event_types, secret) values (?, ?, ` +
        `'https://hooks.example.com/', '{webhook.test}', 's')`,
      [endpointId, userId],
    );
    await em.execute(
      `insert into webhook_deliveries (endpoint_id, user_id, event_type, payload, created_at)
         select ?, ?, 'webhook.test', '{"type":"webhook.test"}'::jsonb, now() - (n * interval '1 second') from ` +
        `generate_series(1, ?) n`,
      [endpointId, userId, deliveries],
    );
    return { userId, endpointId };
  }

  it(
    "starts workflows with no transaction open, other users' reads go through, a pass is bounded per " + 'user',
    async () => {
      // The noisy user's backlog is older than the quiet one's: a pass that went oldest-first would start only theirs.
      const noisy = await userWithBacklog(NOISY_BACKLOG);
      const quiet = await userWithBacklog(QUIET_BACKLOG);
      await orm.em
        .fork()
        .execute(`update webhook_deliveries set created_at = created_at - interval '1 hour' where user_id = ?`, [
          noisy.userId,
        ]);

      const started: Started[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let firstPass!: (starts: Started[]) => void;
      const firstPassSeen = new Promise<Started[]>((resolve) => (firstPass = resolve));
      const runs: DeliveryRuns = {
        async start(delivery) {
          // A pass calls every start of its batch in one synchronous
          // loop: once this turn is over, the pass is all here.
          if (started.length === 0) setImmediate(() => firstPass([...started]));
          const transactionOpen = transactionsOpen > 0;
          started.push({ ...delivery, transactionOpen });
          await held;
        },
        replay: async () => undefined,
      };
      const logger = {
        warn: () => undefined,
        info: () => undefined,
        error: () => undefined,
        debug: () => undefined,
      } as unknown as Logger;
      const bus = { onCallEvents: silent, onDeliveriesQueued: silent, onReconnect: silent };
      const dispatcher = startWebhookDispatcher({
        fork: countingFork,
        runs,
        bus,
        logger,
        pollMs: 3_600_000,
        perUserPerPass: PER_USER,
      });
      try {
        const pass = await firstPassSeen;
        expect(pass.filter((start) => start.transactionOpen)).toEqual([]);
        if (db) {
          const idle = await db.query<{ count: number }>(
            `select count(*)::int as count from pg_stat_activity where datname = current_database() and state like ` +
              `'idle in transaction%'`,
          );
          expect(idle[0]!.count).toBe(0);
        }
        // The quiet user's read, while every start of the pass is still waiting on "Temporal".
        const read = await deliveriesOf(orm.em.fork(), quiet.userId, { endpointId: quiet.endpointId }, 10);
        expect(read).toHaveLength(QUIET_BACKLOG);

        const perUser = (userId: string) => pass.filter((start) => start.userId === userId).length;
        expect({ noisy: perUser(noisy.userId), quiet: perUser(quiet.userId) }).toEqual({
          noisy: PER_USER,
          quiet: QUIET_BACKLOG,
        });
      } finally {
        release();
      }
      await dispatcher.drain();
      await dispatcher.close();
      expect(new Set(started.map((start) => start.id)).size).toBe(NOISY_BACKLOG + QUIET_BACKLOG);
      const left = await orm.em
        .fork()
        .execute<{ count: number }[]>(
          `select count(*)::int as count from webhook_deliveries where dispatched_at is null`,
        );
      expect(Number(left[0]!.count)).toBe(0);
    },
  );

  it('gives a delivery whose start failed back to the next pass', async () => {
    const user = await userWithBacklog(2);
    let failing = true;
    const attempts: string[] = [];
    const runs: DeliveryRuns = {
      async start(delivery) {
        attempts.push(delivery.id);
        if (failing) throw new Error('Temporal is away');
      },
      replay: async () => undefined,
    };
    const warnings: unknown[] = [];
    const logger = {
      warn: (...args: unknown[]) => void warnings.push(args),
      info: () => undefined,
    } as unknown as Logger;
    const bus = { onCallEvents: silent, onDeliveriesQueued: silent, onReconnect: silent };
    const dispatcher = startWebhookDispatcher({
      fork: countingFork,
      runs,
      bus,
      logger,
      pollMs: 3_600_000,
      perUserPerPass: PER_USER,
    });
    await dispatcher.drain();
    expect(warnings.length).toBeGreaterThan(0);
    const undispatched =
      `select count(*)::int as count from webhook_deliveries where user_id = ? and dispatched_at ` +
      `is null and claimed_at is null`;
    expect(Number((await orm.em.fork().execute<{ count: number }[]>(undispatched, [user.userId]))[0]!.count)).toBe(2);
    failing = false;
    await dispatcher.drain();
    await dispatcher.close();
    const dispatched = await orm.em
      .fork()
      .execute<{ count: number }[]>(
        `select count(*)::int as count from webhook_deliveries where user_id = ? and dispatched_at is not null`,
        [user.userId],
      );
    expect(Number(dispatched[0]!.count)).toBe(2);
  });
});

describe('test events and replays have a quota of their own', () => {
  const QUOTA = 3;
  let scryon: TestApp;
  let user: EmulatorUser;
  let other: EmulatorUser;

  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: { SCRYON_WEBHOOK_MANUAL_SENDS_PER_MINUTE: String(QUOTA), SCRYON_RATE_LIMIT_USER_PER_MINUTE: '100000' },
    });
    [user, other] = await Promise.all([signUpUser(), signUpUser()]);
  });
  afterAll(() => scryon.close());

  const endpointOf = async (who: EmulatorUser): Promise<string> => {
    const created = await jsonApi(scryon, who.idToken)('POST', '/api/webhooks', {
      url: 'https://hooks.example.com/scryon',
      eventTypes: ['call.completed'],
    });
    expect(created.status).toBe(201);
    return (await json<{ id: string }>(created)).id;
  };

  it('answers 429 rate_limited with Retry-After past budget on REST, tRPC and GraphQL, tests and replays', async () => {
    const api = jsonApi(scryon, user.idToken);
    const endpointId = await endpointOf(user);
    const sent = await api('POST', `/api/webhooks/${endpointId}/test`);
    expect(sent.status).toBe(202);
    const deliveryId = (await json<{ id: string }>(sent)).id;
    for (let i = 1; i < QUOTA; i += 1) expect((await api('POST', `/api/webhooks/${endpointId}/test`)).status).toBe(202);

    const test = await api('POST', `/api/webhooks/${endpointId}/test`);
    expect(test.status).toBe(429);
    expect(Number(test.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(test)).error.code).toBe('rate_limited');

    const replay = await api('POST', `/api/webhooks/deliveries/${deliveryId}/replay`);
    expect(replay.status).toBe(429);
    expect(replay.headers.get('retry-after')).not.toBeNull();

    const trpc = await scryon.fetch('/trpc/webhooks.sendTest', {
      method: 'POST',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: endpointId }),
    });
    expect(trpc.status).toBe(429);
    expect((await json(trpc)).error.data.appError.code).toBe('rate_limited');
    const gql = await graphql(scryon, user.idToken, 'mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id } }', {
      id: deliveryId,
    });
    expect(gql.errors?.[0]?.extensions?.code).toBe('rate_limited');

    // Nothing past the budget was enqueued.
    const log = await json<{ deliveries: unknown[] }>(await api('GET', `/api/webhooks/${endpointId}/deliveries`));
    expect(log.deliveries).toHaveLength(QUOTA);
  });

  it("is each user's own: another user's budget is untouched", async () => {
    const endpointId = await endpointOf(other);
    expect((await jsonApi(scryon, other.idToken)('POST', `/api/webhooks/${endpointId}/test`)).status).toBe(202);
  });
});
