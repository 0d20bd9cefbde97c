import { itemCountsByBucket } from '../actions/action-item-queries.ts';
import { OUTCOMES, SENTIMENTS } from '../analysis/analysis-schema.ts';
import type { Em } from '../db/orm.ts';
import { periodSummary, type PeriodQuery, type PeriodSummaryRow } from './call-record-queries.ts';
import { CALL_DIRECTIONS, CALL_STATUSES } from './call-record.entity.ts';
import type { PeriodSummary, PeriodSummaryInput } from './period-summary-schemas.ts';

/**
 * A user's calls recorded in a period, summed and bucketed by day or week
 * of their time zone, in one round trip. Overdue means due before today in
 * that zone.
 */
export async function summarizePeriod(em: Em, userId: string, input: PeriodSummaryInput, now = new Date()): Promise<PeriodSummary> {
  const row = await periodSummary(em, userId, periodQueryOf(userId, input, now));
  const seconds = row.series.reduce((total, bucket) => total + bucket.seconds, 0);
  const sum = (key: 'opened' | 'done' | 'overdue') => row.series.reduce((total, bucket) => total + bucket[key], 0);
  return {
    from: input.from,
    to: input.to,
    groupBy: input.groupBy,
    tz: input.tz,
    totals: {
      calls: row.series.reduce((total, bucket) => total + bucket.calls, 0),
      minutes: minutes(seconds),
      averageMinutes: row.timedCalls > 0 ? minutes(seconds / row.timedCalls) : null,
      byStatus: countsOf(row, 'status', CALL_STATUSES),
      byDirection: countsOf(row, 'direction', CALL_DIRECTIONS),
      bySentiment: countsOf(row, 'sentiment', SENTIMENTS),
      byOutcome: countsOf(row, 'outcome', OUTCOMES),
      actionItems: { opened: sum('opened'), done: sum('done'), overdue: sum('overdue') },
      costUsd: usd(row.series.reduce((total, bucket) => total + bucket.costUsd, 0)),
    },
    series: row.series.map((bucket) => ({
      start: bucket.start,
      calls: bucket.calls,
      minutes: minutes(bucket.seconds),
      actionItems: { opened: bucket.opened, done: bucket.done, overdue: bucket.overdue },
      costUsd: usd(bucket.costUsd),
    })),
  };
}

/** The statement's query: the period, and the items' and costs' subqueries as their modules spell them. */
export function periodQueryOf(userId: string, input: PeriodSummaryInput, now = new Date()): PeriodQuery {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: input.tz }).format(now);
  return {
    from: input.from,
    to: input.to,
    unit: input.groupBy,
    timeZone: input.tz,
    items: (bucketOf) => itemCountsByBucket(userId, { from: input.from, to: input.to, bucketOf }, today),
  };
}

const minutes = (seconds: number) => Math.round((seconds / 60) * 100) / 100;
const usd = (amount: number) => Math.round(amount * 1_000_000) / 1_000_000;

type Facet = 'status' | 'direction' | 'sentiment' | 'outcome';

/** Every value appears, zero included, so a client never tests for a missing key; calls not yet analysed count under no sentiment or outcome. */
function countsOf<Key extends string>(row: PeriodSummaryRow, facet: Facet, keys: readonly Key[]): Record<Key, number> {
  const counts = Object.fromEntries(keys.map((key) => [key, 0])) as Record<Key, number>;
  for (const entry of row.facets) {
    const key = entry[facet];
    if (key !== null && key in counts) counts[key as Key] += Number(entry.calls);
  }
  return counts;
}
