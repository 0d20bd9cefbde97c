import type { Em } from '../db/orm.ts';

/**
 * Every statement on `change_log`, and no other file issues one (its rows
 * are written by the triggers the migration defines). SQL rather than the
 * ORM: the position is a (transaction id, sequence) pair compared as a row,
 * and what may be read is bounded by the oldest transaction still running.
 */

export const CHANGE_ENTITIES = ['call', 'action_item'] as const;
export type ChangeEntity = (typeof CHANGE_ENTITIES)[number];

/** `delete`: a tombstone. */
export const CHANGE_OPS = ['upsert', 'delete'] as const;

/** Where a reader stands in a user's log: every change at or before it has been read. */
export interface LogPosition {
  txid: string;
  seq: number;
}

export interface ChangeRow extends LogPosition {
  entity: ChangeEntity;
  entityId: string;
  op: (typeof CHANGE_OPS)[number];
  changedAt: Date;
}

/**
 * The user's changes after `after`, in log order, at most `limit`, and the
 * position everything readable now is at: changes of transactions older
 * than every running one, which no later commit can precede.
 */
export async function changesAfter(
  em: Em,
  userId: string,
  after: LogPosition,
  limit: number,
): Promise<{ rows: ChangeRow[]; horizon: string }> {
  const rows = await em.execute<Array<ChangeRow & { horizon: string }>>(
    `with horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
     select seq, txid::text as txid, entity, entity_id as "entityId", op, changed_at as "changedAt", horizon.xmin::text as horizon
       from horizon left join lateral (
              select * from change_log
               where user_id = ? and (txid, seq) > (?::xid8, ?::bigint) and txid < horizon.xmin
               order by txid, seq limit ?) changes on true`,
    [userId, after.txid, after.seq, limit],
  );
  const horizon = rows[0]!.horizon;
  return {
    horizon,
    rows: rows
      .filter((row) => row.seq !== null)
      .map((row) => ({
        txid: row.txid,
        seq: Number(row.seq),
        entity: row.entity,
        entityId: row.entityId,
        op: row.op,
        changedAt: new Date(row.changedAt),
      })),
  };
}

/** Where the log stands now: every change of a finished transaction is before it. */
export async function currentPosition(em: Em): Promise<LogPosition> {
  const rows = await em.execute<{ xmin: string }[]>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
  return { txid: rows[0]!.xmin, seq: 0 };
}

/** Tombstones and every other change older than `days`: the feed's horizon. */
export async function pruneChanges(em: Em, days: number): Promise<number> {
  const rows = await em.execute<{ seq: string }[]>(
    `delete from change_log where changed_at < now() - (? * interval '1 day') returning seq`,
    [days],
  );
  return rows.length;
}
