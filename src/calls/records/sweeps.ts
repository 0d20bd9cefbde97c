import type { Em } from '../../db/orm.ts';
import type { CallStatus } from '../call-record.entity.ts';

/**
 * Scans across every user's calls: the reconciler's and the sweeps' pages on
 * the (status, updated_at) and id indexes, and the operators' gauge.
 */

/** Calls of every user by status: what operators see as `scryon_calls{status}`. */
export async function countCallsByStatus(em: Em): Promise<Record<string, number>> {
  const rows = await em.execute<{ status: CallStatus; calls: number }[]>(
    'select status, count(*)::int as calls from call_records group by status',
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.calls)]));
}

/** Which of `callIds` still have a row. */
export async function existingCallIds(em: Em, callIds: readonly string[]): Promise<Set<string>> {
  if (callIds.length === 0) return new Set();
  const rows = await em.execute<{ id: string }[]>('select id from call_records where id in (?)', [[...callIds]]);
  return new Set(rows.map((row) => row.id));
}

export interface StaleCall {
  id: string;
  userId: string;
  status: CallStatus;
  /** updated_at moved past created_at: something (the reconciler's first start attempt) touched the QUEUED row. */
  startAttempted: boolean;
}

/** Calls in one of `statuses` whose row has not changed for `minutes`, on the (status, updated_at) index. */
export async function staleCalls(em: Em, statuses: readonly CallStatus[], minutes: number): Promise<StaleCall[]> {
  return em.execute<StaleCall[]>(
    `select id, user_id as "userId", status, updated_at > created_at as "startAttempted"
       from call_records
      where status in (?) and updated_at < now() - (? * interval '1 minute')`,
    [[...statuses], minutes],
  );
}

/** A page, by id, of QUEUED calls older than `graceSeconds`; `after` is the last id of the page before. */
export async function queuedCallsPage(
  em: Em,
  page: { graceSeconds: number; after: string | undefined; limit: number },
): Promise<{ id: string; userId: string }[]> {
  return em.execute<{ id: string; userId: string }[]>(
    `select id, user_id as "userId" from call_records
      where status = 'QUEUED' and created_at < now() - (? * interval '1 second') ${page.after ? 'and id > ?' : ''}
      order by id limit ?`,
    [page.graceSeconds, ...(page.after ? [page.after] : []), page.limit],
  );
}

/**
 * Marks a QUEUED call as "a start was attempted" (updated_at leaves
 * created_at, once); false when it is no longer QUEUED or gone.
 */
export async function markStartAttempted(em: Em, callId: string): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `update call_records set updated_at = case when updated_at = created_at then now() else updated_at end
      where id = ? and status = 'QUEUED' returning id`,
    [callId],
  );
  return rows.length > 0;
}
