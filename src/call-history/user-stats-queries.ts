import type { Em } from '../db/orm.ts';

/** The stats' reads of `call_records` and `action_items`: aggregates in SQL, never rows loaded to count them. */

export interface CallTotals {
  totalCalls: number;
  callsThisWeek: number;
  averageDurationSeconds: number | null;
}

/** This week = since Monday 00:00 UTC of `now`; the average covers only calls with a duration. */
export async function callTotalsOf(em: Em, userId: string, now: Date): Promise<CallTotals> {
  const rows = await em.execute<CallTotals[]>(
    `select count(*)::int as "totalCalls",
            count(*) filter (where (created_at at time zone 'UTC')
                                   >= date_trunc('week', ?::timestamptz at time zone 'UTC'))::int as "callsThisWeek",
            avg(duration_seconds)::float8 as "averageDurationSeconds"
       from call_records where user_id = ?`,
    [now.toISOString(), userId],
  );
  return rows[0]!;
}

export interface ActionTotals {
  open: number;
  overdue: number;
  completed: number;
}

/** Open = OPEN + IN_PROGRESS; overdue = open with a due date before `now`'s date in UTC; completed = DONE. */
export async function actionTotalsOf(em: Em, userId: string, now: Date): Promise<ActionTotals> {
  const rows = await em.execute<{ open_items: string; overdue_items: string; completed_items: string }[]>(
    `select count(*) filter (where status in ('OPEN', 'IN_PROGRESS')) as open_items,
            count(*) filter (where status in ('OPEN', 'IN_PROGRESS')
                                   and due_date < (?::timestamptz at time zone 'UTC')::date) as overdue_items,
            count(*) filter (where status = 'DONE') as completed_items
       from action_items where user_id = ?`,
    [now.toISOString(), userId],
  );
  const row = rows[0]!;
  return { open: Number(row.open_items), overdue: Number(row.overdue_items), completed: Number(row.completed_items) };
}
