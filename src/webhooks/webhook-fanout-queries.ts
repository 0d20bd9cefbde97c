import type { Em } from '../db/orm.ts';
import type { LogPosition } from '../events/call-events.ts';

/**
 * Every statement on `webhook_fanout`: the one row saying where the webhooks'
 * fan-out stands in the call event log.
 */

/**
 * Takes the fan-out for the caller's transaction (another process's pass
 * waits for it to commit) and answers where it stands. A lock of its own
 * rather than the row's: locking the row would give the transaction an id at
 * once, and a transaction with an id holds back every reader of the log.
 */
export async function takeFanout(em: Em): Promise<LogPosition> {
  await em.execute(`select pg_advisory_xact_lock(hashtextextended('webhook_fanout', 0))`);
  const rows = await em.execute<{ txid: string; seq: string }[]>(
    `select txid::text as txid, seq from webhook_fanout where id = 1`,
  );
  return { txid: rows[0]!.txid, seq: Number(rows[0]!.seq) };
}

export async function moveFanout(em: Em, to: LogPosition): Promise<void> {
  await em.execute(`update webhook_fanout set txid = ?::xid8, seq = ? where id = 1`, [to.txid, to.seq]);
}
