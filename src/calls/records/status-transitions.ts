import type { Em } from '../../db/orm.ts';
import type { CallStatus } from '../call-record.entity.ts';

/** A call's status: moved forward only, and read by the status cache and the lifecycle. */

export async function statusOf(em: Em, callId: string): Promise<CallStatus | undefined> {
  return (await em.execute<{ status: CallStatus }[]>('select status from call_records where id = ?', [callId]))[0]
    ?.status;
}

export interface CallStatusRow {
  id: string;
  userId: string;
  status: CallStatus;
  errorReason: string | null;
  updatedAt: Date;
}

/** The status of each of `callIds` that exists, whoever owns it (the status cache filters by owner). */
export async function statusesOf(em: Em, callIds: readonly string[]): Promise<CallStatusRow[]> {
  const rows = await em.execute<CallStatusRow[]>(
    `select id, user_id as "userId", status, error_reason as "errorReason", updated_at as "updatedAt"
       from call_records where id in (?)`,
    [[...callIds]],
  );
  return rows.map((row) => ({ ...row, updatedAt: new Date(row.updatedAt) }));
}

/**
 * Sets the status only if the call is in one of `from`: the guard that keeps
 * a replayed activity from moving a call backwards. A terminal status stamps
 * completed_at. Returns the changed row, or undefined when nothing changed.
 */
export async function moveCallStatus(
  em: Em,
  change: {
    callId: string;
    to: CallStatus;
    from: readonly CallStatus[];
    errorReason: string | null;
    terminal: boolean;
  },
): Promise<{ userId: string; updatedAt: Date; createdAt: Date } | undefined> {
  const rows = await em.execute<{ user_id: string; updated_at: Date; created_at: Date }[]>(
    `update call_records
        set status = ?, error_reason = ?, updated_at = now(),
            completed_at = case when ? then now() else completed_at end
      where id = ? and status in (?)
      returning user_id, updated_at, created_at`,
    [change.to, change.errorReason, change.terminal, change.callId, [...change.from]],
  );
  const row = rows[0];
  return row
    ? { userId: row.user_id, updatedAt: new Date(row.updated_at), createdAt: new Date(row.created_at) }
    : undefined;
}
