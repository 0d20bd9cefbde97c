import { z } from 'zod';
import type { Em } from '../db/orm.ts';

export const userStatsSchema = z
  .object({
    totalCalls: z.int().nonnegative(),
    callsThisWeek: z.int().nonnegative(),
    openActionItems: z.int().nonnegative(),
    overdueActionItems: z.int().nonnegative(),
    completedActionItems: z.int().nonnegative(),
    averageCallDurationSeconds: z.number().nullable(),
  })
  .meta({ id: 'UserStats' });

export type UserStats = z.infer<typeof userStatsSchema>;

/**
 * Computed in SQL, never by loading rows. Definitions (also in the README):
 * this week = since Monday 00:00 UTC; open = OPEN + IN_PROGRESS; overdue =
 * open with a due date before today (UTC); completed = DONE; the average
 * duration covers only calls that have one (null when none do).
 */
export async function computeUserStats(em: Em, userId: string, now = new Date()): Promise<UserStats> {
  const rows = await em.getConnection().execute<
    { total_calls: string; calls_this_week: string; average_duration: number | null; open_items: string; overdue_items: string; completed_items: string }[]
  >(
    `with now_utc as (select (?::timestamptz at time zone 'UTC') as ts)
     select
       (select count(*) from call_records c where c.user_id = ?) as total_calls,
       (select count(*) from call_records c, now_utc
         where c.user_id = ? and (c.created_at at time zone 'UTC') >= date_trunc('week', now_utc.ts)) as calls_this_week,
       (select avg(c.duration_seconds) from call_records c where c.user_id = ? and c.duration_seconds is not null) as average_duration,
       (select count(*) from action_items a where a.user_id = ? and a.status in ('OPEN', 'IN_PROGRESS')) as open_items,
       (select count(*) from action_items a, now_utc
         where a.user_id = ? and a.status in ('OPEN', 'IN_PROGRESS') and a.due_date < now_utc.ts::date) as overdue_items,
       (select count(*) from action_items a where a.user_id = ? and a.status = 'DONE') as completed_items`,
    [now.toISOString(), userId, userId, userId, userId, userId, userId],
  );
  const row = rows[0]!;
  return {
    totalCalls: Number(row.total_calls),
    callsThisWeek: Number(row.calls_this_week),
    openActionItems: Number(row.open_items),
    overdueActionItems: Number(row.overdue_items),
    completedActionItems: Number(row.completed_items),
    averageCallDurationSeconds: row.average_duration === null ? null : Math.round(Number(row.average_duration) * 10) / 10,
  };
}
