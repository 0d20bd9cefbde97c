import { createHash } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Orm } from '../../src/db/orm.ts';
import { wavBytes } from '../harness/audio.ts';
import { json, jsonApi, uploadCall } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

/**
 * PGlite 0.5.8 lost stack on every statement that ended in an error; after
 * about 940 of them every statement failed with `stack depth limit exceeded`
 * and the process exited. Each class of request below once ended in a SQL
 * error; 3,000 of each later, the embedded database still answers.
 */

const REQUESTS_PER_CLASS = 3000;
const IN_FLIGHT = 8;

/** How cursors and sync tokens were spelled before they were signed: what a forger would send. */
const unsigned = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const searchFingerprint = (q: string) =>
  createHash('sha256')
    .update(JSON.stringify([q]))
    .digest('base64url')
    .slice(0, 16);

describe('the embedded database survives client-triggered SQL errors', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;
  let itemId: string;

  beforeAll(async () => {
    scryon = await startTestApp({
      database: 'pglite',
      roles: { api: true, worker: false },
      captureLogs: true,
      env: { SCRYON_RATE_LIMIT_USER_PER_MINUTE: '1000000', SCRYON_RATE_LIMIT_IP_PER_MINUTE: '1000000' },
    });
    alice = await signUpUser();
    const { callId } = await json(await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) } }));
    itemId = (
      await json(
        await jsonApi(scryon, alice.idToken)('POST', `/api/calls/${callId}/action-items`, { title: 'Send the quote' }),
      )
    ).id;
  });
  afterAll(() => scryon?.close());

  const classes: Array<[string, () => Promise<Response>]> = [
    [
      'an ill-formed title (PGlite cut the statement)',
      () =>
        jsonApi(scryon, alice.idToken)('PUT', `/api/action-items/${itemId}`, {
          title: 'é\udc00'.repeat(3),
          description: null,
          dueDate: null,
          priority: null,
        }),
    ],
    [
      'an offset time zone PostgreSQL does not know',
      () => scryon.fetch('/api/calls/summary?tz=%2B0530', { token: alice.idToken }),
    ],
    [
      'a summary ending in year 10000',
      () =>
        scryon.fetch('/api/calls/summary?from=9999-12-30T00:00:00Z&to=9999-12-31T23:00:00Z&tz=Pacific/Kiritimati', {
          token: alice.idToken,
        }),
    ],
    [
      'a search cursor whose rank is outside real',
      () =>
        scryon.fetch(
          `/api/calls/search?q=ravi&cursor=${unsigned({
            rank: 1e39,
            id: crypto.randomUUID(),
            of: searchFingerprint('ravi'),
          })}`,
          { token: alice.idToken },
        ),
    ],
    [
      'a change token past 2^64 - 1',
      () =>
        scryon.fetch(`/api/calls/changes?since=${unsigned({ t: '99999999999999999999', s: 0, at: Date.now() })}`, {
          token: alice.idToken,
        }),
    ],
  ];

  it.each(classes)(
    `${REQUESTS_PER_CLASS} requests with %s are each a 4xx, and the server still answers`,
    async (_name, send) => {
      const statuses = new Map<number, number>();
      let sent = 0;
      const lane = async () => {
        while (sent < REQUESTS_PER_CLASS) {
          sent++;
          const response = await send();
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
      expect([...statuses.keys()].every((status) => status >= 400 && status < 500)).toBe(true);
      expect((await scryon.fetch('/api/health')).status).toBe(200);
      expect((await scryon.fetch('/api/calls', { token: alice.idToken })).status).toBe(200);
      expect(scryon.logLines.filter((line) => /"level":"(error|fatal)"/.test(line))).toEqual([]);
    },
  );
});

/**
 * The engine itself, through the ORM as the app opens it: errors that
 * no client input reaches any more still happen (races, bugs).
 */
describe('the embedded database keeps answering after thousands of statements that end in an error', () => {
  let orm: Orm;

  beforeAll(async () => {
    orm = await openDatabase({ pgliteDir: 'memory://' });
  });
  afterAll(() => orm?.close());

  const failing: Array<[string, (em: ReturnType<Orm['em']['fork']>) => Promise<unknown>]> = [
    [
      'unique violations',
      (em) =>
        em.execute(
          "insert into users (id, external_user_id, created_at, updated_at) values (?, 'same', now(), now())",
          [randomUUID()],
        ),
    ],
    [
      'foreign-key violations',
      (em) =>
        em.execute(
          'insert into call_artifacts (id, call_id, artifact_type, storage_key, content_type, byte_size, ' +
            "created_at, updated_at) values (?, ?, 'ANALYSIS_JSON', 'k', 'application/json', 1, now(), now())",
          [randomUUID(), randomUUID()],
        ),
    ],
    ['invalid input', (em) => em.execute('select ?::uuid', ['not-a-uuid'])],
  ];

  it.each(failing)(`${REQUESTS_PER_CLASS} %s, then an ordinary statement`, async (_name, fail) => {
    const em = orm.em.fork();
    await em.execute(
      "insert into users (id, external_user_id, created_at, updated_at) values (?, 'same', now(), now()) on " +
        'conflict do nothing',
      [randomUUID()],
    );
    let errors = 0;
    for (let i = 0; i < REQUESTS_PER_CLASS; i++) await fail(em).catch(() => errors++);
    expect(errors).toBe(REQUESTS_PER_CLASS);
    expect(await em.execute('select count(*)::int as users from users')).toEqual([{ users: 1 }]);
  });
});
