import type { Em } from '../../db/orm.ts';
import { CALL_ROW_COLUMNS, type CallRow } from '../call-views.ts';

/** A user's calls read by id: the ownership check every surface makes before it answers for a call. */

/** Another user's call reads exactly like a missing one. */
export async function ownedCallRow(em: Em, userId: string, callId: string): Promise<CallRow | undefined> {
  const rows = await em.execute<CallRow[]>(
    `select ${CALL_ROW_COLUMNS} from call_records where id = ? and user_id = ?`,
    [callId, userId],
  );
  return rows[0];
}

/** The rows of those of `callIds` that are the user's. */
export async function ownedCallRows(em: Em, userId: string, callIds: readonly string[]): Promise<CallRow[]> {
  if (callIds.length === 0) return [];
  return em.execute<CallRow[]>(`select ${CALL_ROW_COLUMNS} from call_records where user_id = ? and id in (?)`, [
    userId,
    [...callIds],
  ]);
}

export async function isOwnedCall(em: Em, userId: string, callId: string): Promise<boolean> {
  return (
    (await em.execute<unknown[]>('select 1 from call_records where id = ? and user_id = ?', [callId, userId])).length >
    0
  );
}
