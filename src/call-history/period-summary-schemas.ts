import { z } from 'zod';
import { OUTCOMES, SENTIMENTS } from '../analysis/analysis-schema.ts';
import { storableDateTimeSchema } from '../time/storable-time.ts';
import { timeZoneSchema } from '../time/time-zones.ts';
import { CALL_DIRECTIONS, CALL_STATUSES } from '../calls/call-record.entity.ts';
import { countsBy } from '../calls/call-schemas.ts';

/** The period summary's input and answer, one definition for REST, tRPC and GraphQL. */

/** How a period's calls are bucketed: by the zone's days, or its weeks (from Monday). */
export const PERIOD_GROUPINGS = ['day', 'week'] as const;
export type PeriodGrouping = (typeof PERIOD_GROUPINGS)[number];

const DAY_MS = 86_400_000;
/** A year and a month of days, five years of weeks: a summary stays one screen of buckets. */
const MAX_BUCKETS = { day: 400, week: 260 } as const;
const DEFAULT_DAYS = 30;

/**
 * The latest a period may end: much later and its last local day would be in
 * year 10000 in a zone ahead of UTC (up to 14 hours), a day the answer cannot
 * spell as YYYY-MM-DD. A day's margin covers every zone.
 */
const LATEST_END_MS = Date.UTC(9999, 11, 30);

export const periodSummaryInputSchema = z
  .object({
    /** recordedAt from this instant on (inclusive); 30 days before `to` when absent. */
    from: storableDateTimeSchema.optional(),
    /** recordedAt before this instant (exclusive); now when absent. */
    to: storableDateTimeSchema.optional(),
    groupBy: z.enum(PERIOD_GROUPINGS).default('day'),
    tz: timeZoneSchema.default('UTC'),
  })
  .transform((input) => {
    const to = input.to ? new Date(input.to).toISOString() : new Date().toISOString();
    return {
      ...input,
      to,
      from: input.from
        ? new Date(input.from).toISOString()
        : new Date(Date.parse(to) - DEFAULT_DAYS * DAY_MS).toISOString(),
    };
  })
  .refine((input) => Date.parse(input.from) < Date.parse(input.to), { message: 'must be after from', path: ['to'] })
  .refine((input) => Date.parse(input.to) <= LATEST_END_MS, {
    message: 'must be at most 9999-12-30T00:00:00Z',
    path: ['to'],
  })
  .refine(
    (input) =>
      (Date.parse(input.to) - Date.parse(input.from)) / (input.groupBy === 'day' ? DAY_MS : 7 * DAY_MS) <=
      MAX_BUCKETS[input.groupBy],
    {
      message: `at most ${MAX_BUCKETS.day} days by day, ${MAX_BUCKETS.week} weeks by week`,
      path: ['from'],
    },
  );

export type PeriodSummaryInput = z.infer<typeof periodSummaryInputSchema>;

const count = z.int().nonnegative();
const itemCounts = z
  .object({ opened: count, done: count, overdue: count })
  .describe('items of these calls: opened (all but dismissed), done, and open past their due date');

export const periodSummarySchema = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    groupBy: z.enum(PERIOD_GROUPINGS),
    tz: z.string(),
    totals: z.object({
      calls: count,
      minutes: z.number().nonnegative(),
      /** Over the calls whose duration is known; null when none is. */
      averageMinutes: z.number().nonnegative().nullable(),
      byStatus: countsBy(CALL_STATUSES),
      byDirection: countsBy(CALL_DIRECTIONS),
      bySentiment: countsBy(SENTIMENTS),
      byOutcome: countsBy(OUTCOMES),
      actionItems: itemCounts,
      /** What the providers billed for these calls, in US dollars (see the price table). */
      costUsd: z.number().nonnegative(),
    }),
    /** One bucket per day or week of the zone, empty ones included, oldest first; `start` is its first local day. */
    series: z.array(
      z.object({
        start: z.iso.date(),
        calls: count,
        minutes: z.number().nonnegative(),
        actionItems: itemCounts,
        costUsd: z.number().nonnegative(),
      }),
    ),
  })
  .meta({ id: 'CallPeriodSummary' });

export type PeriodSummary = z.infer<typeof periodSummarySchema>;
