import { z } from 'zod';
import type { Em } from '../db/orm.ts';
import { actionTotalsOf, callTotalsOf } from './user-stats-queries.ts';

const count = z.int().nonnegative();

export const userStatsSchema = z
  .object({
    totalCalls: count,
    callsThisWeek: count,
    openActionItems: count,
    overdueActionItems: count,
    completedActionItems: count,
    averageCallDurationSeconds: z.number().nullable(),
  })
  .meta({ id: 'UserStats' });

export type UserStats = z.infer<typeof userStatsSchema>;

/**
 * Computed in SQL, never by loading rows, one statement per table. Definitions (also in the README):
 * this week = since Monday 00:00 UTC; open = OPEN + IN_PROGRESS; overdue =
 * open with a due date before today (UTC); completed = DONE; the average
 * duration covers only calls that have one (null when none do).
 */
export async function computeUserStats(em: Em, userId: string, now = new Date()): Promise<UserStats> {
  const [calls, actions] = await Promise.all([
    callTotalsOf(em.fork(), userId, now),
    actionTotalsOf(em.fork(), userId, now),
  ]);
  return {
    totalCalls: calls.totalCalls,
    callsThisWeek: calls.callsThisWeek,
    openActionItems: actions.open,
    overdueActionItems: actions.overdue,
    completedActionItems: actions.completed,
    averageCallDurationSeconds:
      calls.averageDurationSeconds === null ? null : Math.round(calls.averageDurationSeconds * 10) / 10,
  };
}
