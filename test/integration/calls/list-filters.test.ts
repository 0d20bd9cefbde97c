import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOMES, SENTIMENTS, type Outcome, type Sentiment } from '../../../src/analysis/analysis-schema.ts';
import {
  CALL_DIRECTIONS,
  CALL_STATUSES,
  type CallDirection,
  type CallStatus,
} from '../../../src/calls/call-record.entity.ts';
import { CALL_SORTS, type CallSort } from '../../../src/calls/call-schemas.ts';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { graphql } from '../../harness/graphql-client.ts';
import { seedCall } from '../../harness/seed-calls.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

// Every answer this file receives under /api must be one the OpenAPI document declares.
interface SeededCall {
  id: string;
  status: CallStatus;
  direction: CallDirection;
  contactName: string | null;
  phoneNumber: string | null;
  recordedAt: Date;
  createdAt: Date;
  durationSeconds: number | null;
  sentiment: Sentiment | null;
  outcome: Outcome | null;
  /** The items the call gets: an open one, only a done one, or none. */
  items: 'open' | 'done' | 'none';
}

interface Filters {
  status?: CallStatus[];
  direction?: CallDirection;
  from?: string;
  to?: string;
  contact?: string;
  sentiment?: Sentiment[];
  outcome?: Outcome[];
  hasOpenActions?: boolean;
  sort: CallSort;
}

const CALLS = 80;
const BASE = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const NAMES = ['Ravi Kumar', 'Asha', 'ravi k', null, 'Mr_Percent%'];
const PHONES = ['+919876543210', '+14155550100', null];

/** Seeded calls with ties on purpose: shared creation and recording hours, repeated durations, unknown ones. */
function seededCalls(): SeededCall[] {
  const random = fc.sample(
    fc.record({
      status: fc.constantFrom(...CALL_STATUSES),
      direction: fc.constantFrom(...CALL_DIRECTIONS),
      name: fc.constantFrom(...NAMES),
      phone: fc.constantFrom(...PHONES),
      recordedHour: fc.integer({ min: 0, max: 30 }),
      createdHour: fc.integer({ min: 0, max: 30 }),
      duration: fc.constantFrom(null, 12.5, 60, 60, 300.25, 7),
      sentiment: fc.constantFrom(null, ...SENTIMENTS),
      outcome: fc.constantFrom(null, ...OUTCOMES),
      items: fc.constantFrom('open' as const, 'done' as const, 'none' as const),
    }),
    { numRuns: CALLS, seed: 17 },
  );
  return random.map((call) => ({
    id: randomUUID(),
    status: call.status,
    direction: call.direction,
    contactName: call.name,
    phoneNumber: call.phone,
    recordedAt: new Date(BASE + call.recordedHour * HOUR),
    createdAt: new Date(BASE + call.createdHour * HOUR),
    durationSeconds: call.duration,
    sentiment: call.sentiment,
    outcome: call.outcome,
    items: call.items,
  }));
}

/** What the list must answer, computed without the database: filter, then order by key and id. */
function expectedIds(calls: SeededCall[], filters: Filters): string[] {
  const field = filters.sort.replace(/^-/, '') as 'createdAt' | 'recordedAt' | 'durationSeconds';
  const keyOf = (call: SeededCall) =>
    field === 'durationSeconds' ? (call.durationSeconds ?? -1) : call[field].getTime();
  const descending = filters.sort.startsWith('-') ? -1 : 1;
  const contact = filters.contact?.toLowerCase();
  return calls
    .filter((call) => !filters.status || filters.status.includes(call.status))
    .filter((call) => !filters.direction || call.direction === filters.direction)
    .filter((call) => !filters.from || call.recordedAt.getTime() >= Date.parse(filters.from))
    .filter((call) => !filters.to || call.recordedAt.getTime() < Date.parse(filters.to))
    .filter(
      (call) =>
        !contact ||
        Boolean(call.contactName?.toLowerCase().includes(contact)) ||
        Boolean(call.phoneNumber?.includes(filters.contact!)),
    )
    .filter((call) => !filters.sentiment || (call.sentiment !== null && filters.sentiment.includes(call.sentiment)))
    .filter((call) => !filters.outcome || (call.outcome !== null && filters.outcome.includes(call.outcome)))
    .filter((call) => filters.hasOpenActions === undefined || (call.items === 'open') === filters.hasOpenActions)
    .sort((a, b) => descending * (keyOf(a) - keyOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    .map((call) => call.id);
}

function queryOf(filters: Filters, limit: number, cursor: string | undefined): string {
  const params = new URLSearchParams({ limit: String(limit), sort: filters.sort });
  if (filters.status) params.set('status', filters.status.join(','));
  if (filters.direction) params.set('direction', filters.direction);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.contact) params.set('contact', filters.contact);
  if (filters.sentiment) params.set('sentiment', filters.sentiment.join(','));
  if (filters.outcome) params.set('outcome', filters.outcome.join(','));
  if (filters.hasOpenActions !== undefined) params.set('hasOpenActions', String(filters.hasOpenActions));
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

const filtersArbitrary: fc.Arbitrary<Filters> = fc
  .record(
    {
      status: fc.uniqueArray(fc.constantFrom(...CALL_STATUSES), { minLength: 1, maxLength: 3 }),
      direction: fc.constantFrom(...CALL_DIRECTIONS),
      from: fc.integer({ min: 0, max: 20 }).map((hour) => new Date(BASE + hour * HOUR).toISOString()),
      to: fc.integer({ min: 21, max: 32 }).map((hour) => new Date(BASE + hour * HOUR).toISOString()),
      contact: fc.constantFrom('ravi', 'RAVI', '%', '_', '98765', 'asha'),
      sort: fc.constantFrom(...CALL_SORTS),
    },
    { requiredKeys: ['sort'] },
  )
  .chain((filters) =>
    // The newer filters join one run in three each, so many runs still span several pages.
    fc
      .record({
        sentiment: sometimes(fc.uniqueArray(fc.constantFrom(...SENTIMENTS), { minLength: 2, maxLength: 4 })),
        outcome: sometimes(fc.uniqueArray(fc.constantFrom(...OUTCOMES), { minLength: 2, maxLength: 4 })),
        hasOpenActions: sometimes(fc.boolean()),
      })
      .map((more) => ({
        ...filters,
        ...(more.sentiment ? { sentiment: more.sentiment } : {}),
        ...(more.outcome ? { outcome: more.outcome } : {}),
        ...(more.hasOpenActions !== undefined ? { hasOpenActions: more.hasOpenActions } : {}),
      })),
  );

function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary, weight: 1 });
}

describe.each(['postgres', 'pglite'] as const)('GET /api/calls filtered and sorted, on %s', (database) => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let calls: SeededCall[];

  beforeAll(async () => {
    scryon = await startTestApp({ database, roles: { api: true, worker: false } });
    user = await signUpUser();
    const me = await json<{ id: string }>(await scryon.fetch('/api/users/me', { token: user.idToken }));
    calls = seededCalls();
    const em = scryon.app.orm.em.fork();
    for (const call of calls) {
      const { id, contactName, phoneNumber, direction, recordedAt, durationSeconds, createdAt } = call;
      await seedCall(scryon, {
        id,
        userId: me.id,
        contactName,
        phoneNumber,
        direction,
        recordedAt,
        durationSeconds,
        createdAt,
      });
      await em
        .getConnection()
        .execute('update call_records set status = ?, sentiment = ?, outcome = ? where id = ?', [
          call.status,
          call.sentiment,
          call.outcome,
          call.id,
        ]);
      if (call.items === 'none') continue;
      const item = await scryon.app.services.actions.create(me.id, call.id, { title: 'Follow up' });
      if (call.items === 'done') await scryon.app.services.actions.updateStatus(me.id, item.id, 'DONE');
    }
  });
  afterAll(() => scryon.close());

  async function pageThrough(filters: Filters, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page <= CALLS; page += 1) {
      const response = await scryon.fetch(`/api/calls?${queryOf(filters, limit, cursor)}`, { token: user.idToken });
      expect(response.status).toBe(200);
      const body = await json<{ items: Array<{ callId: string }>; nextCursor?: string }>(response);
      seen.push(...body.items.map((item) => item.callId));
      if (!body.nextCursor) return seen;
      cursor = body.nextCursor;
    }
    throw new Error('the list never ended');
  }

  it.each(CALL_SORTS)('pages through every call sorted by %s with no duplicate and no gap', async (sort) => {
    const ids = await pageThrough({ sort }, 7);
    expect(ids).toHaveLength(CALLS);
    expect(ids).toEqual(expectedIds(calls, { sort }));
  });

  it('pages through random filter and sort combinations and page sizes, matching a reference in memory', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(filtersArbitrary, fc.integer({ min: 1, max: 17 }), async (filters, limit) => {
        const expected = expectedIds(calls, filters);
        if (expected.length > limit) nonEmpty += 1;
        expect(await pageThrough(filters, limit)).toEqual(expected);
      }),
      { numRuns: 100, seed: 42 },
    );
    // The property means something only if many runs needed more than one page.
    expect(nonEmpty).toBeGreaterThanOrEqual(15);
  });

  it('pages GraphQL by its edges’ cursors in a non-default order, as REST does', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const result: any = await graphql(
        scryon,
        user.idToken,
        'query ($after: String) { calls(first: 7, after: $after, sort: DURATION_DESC, statuses: [QUEUED, FAILED]) { ' +
          'edges { cursor node { id } } pageInfo { hasNextPage } } }',
        { after },
      );
      expect(result.errors).toBeUndefined();
      const edges = result.data.calls.edges as Array<{ cursor: string; node: { id: string } }>;
      seen.push(...edges.map((edge) => edge.node.id));
      if (!result.data.calls.pageInfo.hasNextPage) break;
      after = edges.at(-1)!.cursor;
    }
    expect(seen).toEqual(expectedIds(calls, { sort: '-durationSeconds', status: ['QUEUED', 'FAILED'] }));
  });

  /** The facets the reference expects for `filters`: every page's calls, counted. */
  function expectedAggregations(filters: Filters) {
    const chosen = new Set(expectedIds(calls, filters));
    const matching = calls.filter((call) => chosen.has(call.id));
    const countBy = <Key extends string>(keys: readonly Key[], keyOf: (call: SeededCall) => Key) =>
      Object.fromEntries(keys.map((key) => [key, matching.filter((call) => keyOf(call) === key).length]));
    const seconds = matching.reduce((total, call) => total + (call.durationSeconds ?? 0), 0);
    return {
      byStatus: countBy(CALL_STATUSES, (call) => call.status),
      byDirection: countBy(CALL_DIRECTIONS, (call) => call.direction),
      bySentiment: countBy(SENTIMENTS, (call) => call.sentiment ?? ('none' as Sentiment)),
      byOutcome: countBy(OUTCOMES, (call) => call.outcome ?? ('none' as Outcome)),
      totals: { calls: matching.length, minutes: Math.round((seconds / 60) * 100) / 100 },
    };
  }

  it('adds facets of the whole filtered list with include=aggregations, and nothing without it', async () => {
    await fc.assert(
      fc.asyncProperty(filtersArbitrary, async (filters) => {
        const body = await json(
          await scryon.fetch(`/api/calls?${queryOf(filters, 3, undefined)}&include=aggregations`, {
            token: user.idToken,
          }),
        );
        expect(body.aggregations).toEqual(expectedAggregations(filters));
      }),
      { numRuns: 20, seed: 7 },
    );
    expect(await json(await scryon.fetch('/api/calls?limit=3', { token: user.idToken }))).not.toHaveProperty(
      'aggregations',
    );
  });

  it('gives the same facets on GraphQL when the query selects them', async () => {
    const result: any = await graphql(
      scryon,
      user.idToken,
      'query { calls(first: 2, direction: INCOMING) { aggregations { byStatus { QUEUED FAILED COMPLETED ANALYZING ' +
        'TRANSCRIBING } byDirection { INCOMING OUTGOING UNKNOWN } bySentiment { positive neutral negative mixed ' +
        'unclear } byOutcome { achieved partially_achieved not_achieved no_goal unclear } totals { calls minutes ' +
        '} } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.calls.aggregations).toEqual(expectedAggregations({ sort: '-createdAt', direction: 'INCOMING' }));
  });

  it('takes several statuses as an array on tRPC', async () => {
    const input = encodeURIComponent(
      JSON.stringify({ status: ['COMPLETED', 'FAILED'], sort: 'recordedAt', limit: 100 }),
    );
    const body = await json(await scryon.fetch(`/trpc/calls.list?input=${input}`, { token: user.idToken }));
    expect(body.result.data.items.map((item: { callId: string }) => item.callId)).toEqual(
      expectedIds(calls, { sort: 'recordedAt', status: ['COMPLETED', 'FAILED'] }),
    );
  });

  it.each([
    ['an unknown sort', 'sort=title', 'sort'],
    ['a CSV with one unknown status', 'status=QUEUED,DONE', 'status.1'],
    ['a CSV with one unknown sentiment', 'sentiment=positive,angry', 'sentiment.1'],
    ['an unknown outcome', 'outcome=won', 'outcome.0'],
    ['a hasOpenActions that is not a boolean', 'hasOpenActions=maybe', 'hasOpenActions'],
    [
      'a range that ends before it starts',
      `from=${new Date(BASE + 5 * HOUR).toISOString()}&to=${new Date(BASE).toISOString()}`,
      'to',
    ],
    ['a date outside the storable years', 'from=0001-01-01T00:00:00Z', 'from'],
  ])('answers %s with 400 validation_failed naming the field', async (_name, query, field) => {
    const response = await scryon.fetch(`/api/calls?${query}`, { token: user.idToken });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.error.code).toBe('validation_failed');
    expect(Object.keys(body.error.details.fields)).toContain(field);
  });

  it('refuses a cursor from another order', async () => {
    const first = await json(await scryon.fetch('/api/calls?limit=2&sort=recordedAt', { token: user.idToken }));
    const response = await scryon.fetch(`/api/calls?limit=2&sort=-durationSeconds&cursor=${first.nextCursor}`, {
      token: user.idToken,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error.details.fields.cursor).toBeDefined();
  });
});
