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
import { DEFAULT_PRICES } from '../../../src/config/price-table.ts';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { graphql } from '../../harness/graphql-client.ts';
import { seedCall } from '../../harness/seed-calls.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

// Every answer this file receives under /api must be one the OpenAPI document declares.
/** March 2026 holds both DST changes of New York (the 8th) and of Europe (the 29th). */
const BASE = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;
const ZONES = ['UTC', 'Asia/Kolkata', 'America/New_York', 'Europe/Berlin', 'Pacific/Chatham', 'America/St_Johns'];

type Item = 'open' | 'done' | 'overdue' | 'dismissed';

interface SeededCall {
  id: string;
  status: CallStatus;
  direction: CallDirection;
  sentiment: Sentiment | null;
  outcome: Outcome | null;
  recordedAt: Date;
  durationSeconds: number | null;
  items: Item[];
  /** Input tokens the call's analysis was billed (0: not metered). */
  tokens: number;
}

function seededCalls(): SeededCall[] {
  return fc
    .sample(
      fc.record({
        status: fc.constantFrom(...CALL_STATUSES),
        direction: fc.constantFrom(...CALL_DIRECTIONS),
        sentiment: fc.constantFrom(null, ...SENTIMENTS),
        outcome: fc.constantFrom(null, ...OUTCOMES),
        hour: fc.integer({ min: 0, max: 40 * 24 }),
        duration: fc.constantFrom(null, 30, 60, 95.5, 600),
        items: fc.array(fc.constantFrom<Item>('open', 'done', 'overdue', 'dismissed'), { maxLength: 3 }),
        tokens: fc.constantFrom(0, 1000, 2500),
      }),
      { numRuns: 120, seed: 11 },
    )
    .map((call) => ({
      ...call,
      id: randomUUID(),
      recordedAt: new Date(BASE + call.hour * HOUR + 17 * 60_000),
      durationSeconds: call.duration,
    }));
}

/** The local calendar day of an instant in a zone, and the Monday that starts its week. */
const localDay = (at: Date, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(at);
function mondayOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}
const minutes = (seconds: number) => Math.round((seconds / 60) * 100) / 100;
/** At the default price of input tokens, to the micro-dollar. */
const costOf = (group: SeededCall[]) =>
  Math.round(
    group.reduce((total, call) => total + (call.tokens * DEFAULT_PRICES.llmInputPerMillionTokens) / 1_000_000, 0) *
      1_000_000,
  ) / 1_000_000;

/** What the summary must say, computed with Intl rather than the database. */
function expectedSummary(calls: SeededCall[], query: { from: Date; to: Date; groupBy: 'day' | 'week'; tz: string }) {
  const bucketOf = (at: Date) => (query.groupBy === 'day' ? localDay(at, query.tz) : mondayOf(localDay(at, query.tz)));
  const inPeriod = calls.filter((call) => call.recordedAt >= query.from && call.recordedAt < query.to);
  const starts: string[] = [];
  const last = bucketOf(new Date(query.to.getTime() - 1));
  for (
    let day = bucketOf(query.from);
    day <= last;
    day = new Date(Date.parse(`${day}T00:00:00Z`) + (query.groupBy === 'day' ? 1 : 7) * 86_400_000)
      .toISOString()
      .slice(0, 10)
  )
    starts.push(day);
  const itemsOf = (group: SeededCall[]) => {
    const items = group.flatMap((call) => call.items);
    return {
      opened: items.filter((item) => item !== 'dismissed').length,
      done: items.filter((item) => item === 'done').length,
      overdue: items.filter((item) => item === 'overdue').length,
    };
  };
  const seconds = (group: SeededCall[]) => group.reduce((total, call) => total + (call.durationSeconds ?? 0), 0);
  const timed = inPeriod.filter((call) => call.durationSeconds !== null);
  const countBy = <Key extends string>(keys: readonly Key[], keyOf: (call: SeededCall) => Key | null) =>
    Object.fromEntries(keys.map((key) => [key, inPeriod.filter((call) => keyOf(call) === key).length]));
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    groupBy: query.groupBy,
    tz: query.tz,
    totals: {
      calls: inPeriod.length,
      minutes: minutes(seconds(inPeriod)),
      averageMinutes: timed.length ? minutes(seconds(inPeriod) / timed.length) : null,
      byStatus: countBy(CALL_STATUSES, (call) => call.status),
      byDirection: countBy(CALL_DIRECTIONS, (call) => call.direction),
      bySentiment: countBy(SENTIMENTS, (call) => call.sentiment),
      byOutcome: countBy(OUTCOMES, (call) => call.outcome),
      actionItems: itemsOf(inPeriod),
      costUsd: costOf(inPeriod),
    },
    series: starts.map((start) => {
      const group = inPeriod.filter((call) => bucketOf(call.recordedAt) === start);
      return {
        start,
        calls: group.length,
        minutes: minutes(seconds(group)),
        actionItems: itemsOf(group),
        costUsd: costOf(group),
      };
    }),
  };
}

describe.each(['postgres', 'pglite'] as const)('GET /api/calls/summary, on %s', (database) => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let calls: SeededCall[];
  const summary = async (params: Record<string, string>) => {
    const response = await scryon.fetch(`/api/calls/summary?${new URLSearchParams(params)}`, { token: user.idToken });
    expect(response.status).toBe(200);
    return json(response);
  };

  beforeAll(async () => {
    scryon = await startTestApp({ database, roles: { api: true, worker: false } });
    user = await signUpUser();
    const me = await json<{ id: string }>(await scryon.fetch('/api/users/me', { token: user.idToken }));
    calls = seededCalls();
    const em = scryon.app.orm.em.fork();
    const actions = scryon.app.services.actions;
    for (const call of calls) {
      await seedCall(scryon, {
        id: call.id,
        userId: me.id,
        direction: call.direction,
        recordedAt: call.recordedAt,
        durationSeconds: call.durationSeconds,
      });
      await em
        .getConnection()
        .execute('update call_records set status = ?, sentiment = ?, outcome = ? where id = ?', [
          call.status,
          call.sentiment,
          call.outcome,
          call.id,
        ]);
      if (call.tokens) {
        const usage = { inputTokens: call.tokens, outputTokens: 0 };
        await scryon.app.services.costs.recordAttempt(
          { callId: call.id, userId: me.id },
          { attempt: 'seeded', stage: 'ANALYZED', provider: 'openai', model: null, usage },
        );
      }
      for (const item of call.items) {
        const created = await actions.create(me.id, call.id, {
          title: 'Follow up',
          dueDate: item === 'overdue' ? '2020-01-01' : '2099-01-01',
        });
        if (item === 'done' || item === 'dismissed')
          await actions.updateStatus(me.id, created.id, item === 'done' ? 'DONE' : 'DISMISSED');
      }
    }
  });
  afterAll(() => scryon.close());

  it('sums and buckets random periods by day and week in any time zone, across DST, as a reference does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -48, max: 30 * 24 }),
        fc.integer({ min: 1, max: 20 * 24 }),
        fc.constantFrom('day' as const, 'week' as const),
        fc.constantFrom(...ZONES),
        async (startHour, hours, groupBy, tz) => {
          const from = new Date(BASE + startHour * HOUR + 30 * 60_000);
          const to = new Date(from.getTime() + hours * HOUR);
          expect(await summary({ from: from.toISOString(), to: to.toISOString(), groupBy, tz })).toEqual(
            expectedSummary(calls, { from, to, groupBy, tz }),
          );
        },
      ),
      { numRuns: 40, seed: 19 },
    );
  });

  it('answers the same on tRPC and GraphQL', async () => {
    const params = {
      from: new Date(BASE).toISOString(),
      to: new Date(BASE + 21 * 24 * HOUR).toISOString(),
      groupBy: 'week',
      tz: 'Asia/Kolkata',
    };
    const rest = await summary(params);
    const trpc = await json(
      await scryon.fetch(`/trpc/calls.summary?input=${encodeURIComponent(JSON.stringify(params))}`, {
        token: user.idToken,
      }),
    );
    expect(trpc.result.data).toEqual(rest);
    const result = await graphql(
      scryon,
      user.idToken,
      'query ($from: DateTime, $to: DateTime, $tz: String) { callSummary(from: $from, to: $to, groupBy: week, tz: ' +
        '$tz) { tz totals { calls minutes averageMinutes byOutcome { achieved unclear } actionItems { opened done ' +
        'overdue } } series { start calls minutes actionItems { overdue } } } }',
      { from: params.from, to: params.to, tz: params.tz },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.callSummary).toEqual({
      tz: 'Asia/Kolkata',
      totals: {
        ...rest.totals,
        costUsd: undefined,
        byStatus: undefined,
        byDirection: undefined,
        bySentiment: undefined,
        byOutcome: { achieved: rest.totals.byOutcome.achieved, unclear: rest.totals.byOutcome.unclear },
      },
      series: rest.series.map((bucket: any) => ({
        ...bucket,
        costUsd: undefined,
        actionItems: { overdue: bucket.actionItems.overdue },
      })),
    });
  });

  it('defaults to the last 30 days in UTC by day', async () => {
    const body = await summary({});
    expect(body).toMatchObject({ groupBy: 'day', tz: 'UTC' });
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * 24 * HOUR);
    expect(body.series.length).toBeGreaterThanOrEqual(30);
  });

  it.each([
    ['an unknown time zone', 'tz=Mars/Olympus', 'tz'],
    [
      'a range that ends before it starts',
      `from=${new Date(BASE + HOUR).toISOString()}&to=${new Date(BASE).toISOString()}`,
      'to',
    ],
    ['more days than a summary holds', `from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`, 'from'],
    ['an unknown grouping', 'groupBy=month', 'groupBy'],
  ])('answers %s with 400 validation_failed naming the field', async (_name, query, field) => {
    const response = await scryon.fetch(`/api/calls/summary?${query}`, { token: user.idToken });
    expect(response.status).toBe(400);
    expect(Object.keys((await json(response)).error.details.fields)).toContain(field);
  });
});
