import { toMicroDollars } from '../costs/usage-cost.ts';
import type { Em } from '../db/orm.ts';
import { callCountsOf, minutesOf } from './call-counts.ts';
import { periodSummary, type PeriodQuery } from './period-summary-queries.ts';
import type { PeriodSummary, PeriodSummaryInput } from './period-summary-schemas.ts';

/**
 * A user's calls recorded in a period, summed and bucketed by day or week
 * of their time zone, in one round trip. Overdue means due before today in
 * that zone.
 */
export async function summarizePeriod(
  em: Em,
  userId: string,
  input: PeriodSummaryInput,
  now = new Date(),
): Promise<PeriodSummary> {
  const row = await periodSummary(em, userId, periodQueryOf(input, now));
  const seconds = row.series.reduce((total, bucket) => total + bucket.seconds, 0);
  const sum = (key: 'opened' | 'done' | 'overdue') => row.series.reduce((total, bucket) => total + bucket[key], 0);
  return {
    from: input.from,
    to: input.to,
    groupBy: input.groupBy,
    tz: input.tz,
    totals: {
      calls: row.series.reduce((total, bucket) => total + bucket.calls, 0),
      minutes: minutesOf(seconds),
      averageMinutes: row.timedCalls > 0 ? minutesOf(seconds / row.timedCalls) : null,
      ...callCountsOf(row.facets),
      actionItems: { opened: sum('opened'), done: sum('done'), overdue: sum('overdue') },
      costUsd: toMicroDollars(row.series.reduce((total, bucket) => total + bucket.costUsd, 0)),
    },
    series: row.series.map((bucket) => ({
      start: bucket.start,
      calls: bucket.calls,
      minutes: minutesOf(bucket.seconds),
      actionItems: { opened: bucket.opened, done: bucket.done, overdue: bucket.overdue },
      costUsd: toMicroDollars(bucket.costUsd),
    })),
  };
}

/** The statement's query: the period, and today in its zone (what overdue is counted against). */
export function periodQueryOf(input: PeriodSummaryInput, now = new Date()): PeriodQuery {
  return {
    from: input.from,
    to: input.to,
    unit: input.groupBy,
    timeZone: input.tz,
    today: new Intl.DateTimeFormat('en-CA', { timeZone: input.tz }).format(now),
  };
}
