import type { Em } from '../db/orm.ts';
import type { SqlFragment } from '../db/sql-fragment.ts';
import type { CallCountRow } from './call-counts.ts';
import type { PeriodGrouping } from './period-summary-schemas.ts';

export interface PeriodQuery {
  /** [from, to) on recorded_at. */
  from: string;
  to: string;
  unit: PeriodGrouping;
  /** An IANA zone: buckets start at its midnights (weeks on its Mondays). */
  timeZone: string;
  /** The zone's date today (YYYY-MM-DD): an open item due before it is overdue. */
  today: string;
}

export interface PeriodSummaryRow {
  series: Array<{
    start: string;
    calls: number;
    seconds: number;
    opened: number;
    done: number;
    overdue: number;
    costUsd: number;
  }>;
  /** Calls whose duration is known: the average's denominator. */
  timedCalls: number;
  /** Calls per combination of status, direction, sentiment and outcome (a few hundred rows at most). */
  facets: CallCountRow[];
}

/**
 * A user's calls recorded in a period, in one statement: a bucket per day or
 * week of the zone (empty ones included) with its calls, seconds and the
 * items of those calls, and the period's counts by status, direction,
 * sentiment and outcome together. Each part groups the calls as it reads
 * them, by a key few enough to hash, and never holds them row by row: that
 * keeps the plan cheap enough that PostgreSQL neither sorts the period nor
 * compiles the statement (its JIT cost more than the whole query).
 */
export async function periodSummary(em: Em, userId: string, query: PeriodQuery): Promise<PeriodSummaryRow> {
  const { sql, params } = periodSummaryStatement(userId, query);
  const rows = await em.execute<{ summary: PeriodSummaryRow }[]>(sql, params);
  return rows[0]!.summary;
}

/**
 * The period summary as one statement, for periodSummary and for the bench's
 * query plans. The items are counted per bucket as the calls are (opened:
 * any but DISMISSED; done; overdue: open and due before today); each item
 * carries its call's recorded_at, so they are read alone, not joined to their calls.
 */
export function periodSummaryStatement(userId: string, query: PeriodQuery): SqlFragment {
  const { unit, timeZone: zone, from, to } = query;
  const inPeriod =
    'from call_records where user_id = ? and recorded_at >= ?::timestamptz and recorded_at < ?::timestamptz';
  const bucketOf = (column: string) => `date_trunc(?, ${column} at time zone ?)`;
  return {
    sql: `with calls as (select ${bucketOf('recorded_at')} as key, count(*) as calls, count(duration_seconds) as timed,
                             coalesce(sum(duration_seconds), 0) as seconds,
                             sum(cost_usd) as cost
                      ${inPeriod} group by 1),
          items as (select ${bucketOf('call_recorded_at')} as key,
                 count(*) filter (where status <> 'DISMISSED') as opened,
                 count(*) filter (where status = 'DONE') as done,
                 count(*) filter (where status in ('OPEN', 'IN_PROGRESS') and due_date < ?::date) as overdue
            from action_items
           where user_id = ? and call_recorded_at >= ?::timestamptz and call_recorded_at < ?::timestamptz group by 1),
          buckets as (select generate_series(date_trunc(?, ?::timestamptz at time zone ?),
                                             (?::timestamptz - interval '1 microsecond') at time zone ?,
                                             ?::interval) as key),
          series as (select b.key as bucket, coalesce(c.calls, 0)::int as calls,
                            coalesce(c.seconds, 0)::float8 as seconds,
                            coalesce(i.opened, 0)::int as opened, coalesce(i.done, 0)::int as done,
                            coalesce(i.overdue, 0)::int as overdue,
                            coalesce(c.cost, 0)::float8 as cost
                       from buckets b left join calls c on c.key = b.key left join items i on i.key = b.key)
     select json_build_object(
       'series', (select coalesce(json_agg(json_build_object('start', to_char(bucket, 'YYYY-MM-DD'),
                                                             'calls', calls, 'seconds', seconds,
                                                             'opened', opened, 'done', done, 'overdue', overdue,
                                                             'costUsd', cost) order by bucket), '[]')
                    from series),
       'timedCalls', (select coalesce(sum(timed), 0) from calls),
       'facets', (select coalesce(json_agg(facets), '[]')
                    from (select status, direction, sentiment, outcome, count(*) as calls
                          ${inPeriod} group by 1, 2, 3, 4) facets)
     ) as summary`,
    params: [
      ...[unit, zone, userId, from, to],
      ...[unit, zone, query.today, userId, from, to],
      ...[unit, from, zone, to, zone, `1 ${unit}`],
      ...[userId, from, to],
    ],
  };
}
