import { deleteInChunks } from '../db/chunked-delete.ts';
import type { Em } from '../db/orm.ts';
import type { CallEvent, CallEventData, CallEventKind, LogPosition } from './call-events.ts';

/**
 * Every statement on `call_events`, and no other file issues one (the
 * migration's trigger appends the rows of calls and action items). SQL: a
 * position is a (transaction id, sequence) pair compared as a row, and what
 * may be read is bounded by the oldest transaction still running.
 */

export interface EventFilter {
  /** One user's events; absent means every user's (the webhooks' fan-out). */
  userId?: string | undefined;
  callIds?: readonly string[] | undefined;
  kinds?: readonly CallEventKind[] | undefined;
}

export interface EventRange {
  after: LogPosition;
  /** Read no further than this position (already below the horizon when it was taken). */
  upTo?: LogPosition | undefined;
  limit: number;
}

/**
 * The matching events after `range.after`, in log order, at most `limit`,
 * and the horizon: events of transactions older than every running one,
 * which no later commit can precede, are all that is read.
 */
export async function readEvents(
  em: Em,
  filter: EventFilter,
  range: EventRange,
): Promise<{ events: CallEvent[]; horizon: LogPosition }> {
  const where: string[] = ['(txid, seq) > (?::xid8, ?::bigint)', 'txid < horizon.xmin'];
  const params: unknown[] = [range.after.txid, range.after.seq];
  if (filter.userId !== undefined) {
    where.push('user_id = ?');
    params.push(filter.userId);
  }
  if (filter.callIds) {
    where.push('call_id in (?)');
    params.push([...filter.callIds]);
  }
  if (filter.kinds) {
    where.push('kind in (?)');
    params.push([...filter.kinds]);
  }
  if (range.upTo) {
    where.push('(txid, seq) <= (?::xid8, ?::bigint)');
    params.push(range.upTo.txid, range.upTo.seq);
  }
  const rows = await em.execute<Array<EventRow & { horizon: string }>>(
    `with horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
     select seq, txid::text as txid, user_id, call_id, kind, data, occurred_at, horizon.xmin::text as horizon
       from horizon left join lateral (
              select * from call_events where ${where.join(' and ')} order by txid, seq limit ?) events on true`,
    [...params, range.limit],
  );
  return {
    horizon: { txid: rows[0]!.horizon, seq: 0 },
    events: rows.filter((row) => row.seq !== null).map(toEvent),
  };
}

interface EventRow {
  seq: string;
  txid: string;
  user_id: string;
  call_id: string;
  kind: CallEventKind;
  data: unknown;
  occurred_at: Date;
}

function toEvent(row: EventRow): CallEvent {
  return {
    txid: row.txid,
    seq: Number(row.seq),
    userId: row.user_id,
    callId: row.call_id,
    kind: row.kind,
    data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    occurredAt: new Date(row.occurred_at),
  } as CallEvent;
}

/** The newest transaction started so far: every event committed by now was written by it or an older one. */
export async function newestTransaction(em: Em): Promise<bigint> {
  const rows = await em.execute<{ xmax: string }[]>('select pg_snapshot_xmax(pg_current_snapshot())::text as xmax');
  return BigInt(rows[0]!.xmax) - 1n;
}

/** Where the log stands now: every event of a finished transaction is before it. */
export async function logHorizon(em: Em): Promise<LogPosition> {
  const rows = await em.execute<{ xmin: string }[]>('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
  return { txid: rows[0]!.xmin, seq: 0 };
}

/** Appends an event in the caller's transaction (the trigger appends those of calls and action items). */
export async function appendCallEvent<K extends CallEventKind>(
  em: Em,
  event: { userId: string; callId: string; kind: K; data: CallEventData[K] },
): Promise<void> {
  await em.execute(`insert into call_events (user_id, call_id, kind, data) values (?, ?, ?, ?::jsonb)`, [
    event.userId,
    event.callId,
    event.kind,
    JSON.stringify(event.data),
  ]);
}

/** Events older than `days`, `chunk` at a time. */
export async function pruneCallEvents(em: Em, days: number, chunk = 10_000): Promise<number> {
  return deleteInChunks(
    em,
    `with gone as (delete from call_events where seq in (select seq from call_events where occurred_at < now() - (? ` +
      `* interval '1 day') limit ?) returning 1)
     select count(*)::int as count from gone`,
    [days],
    chunk,
  );
}

/** Each of the calls' latest event of one of `kinds` at or before `upTo`, in log order; a call with none is absent. */
export async function latestEventsOf(
  em: Em,
  filter: { userId: string; callIds: readonly string[]; kinds: readonly CallEventKind[] },
  upTo: LogPosition,
): Promise<CallEvent[]> {
  const rows = await em.execute<EventRow[]>(
    `select * from (
       select distinct on (call_id) seq, txid::text as txid, user_id, call_id, kind, data, occurred_at from call_events
        where call_id in (?) and user_id = ? and kind in (?) and (txid, seq) <= (?::xid8, ?::bigint)
        order by call_id, txid desc, seq desc) latest
      order by txid, seq`,
    [[...filter.callIds], filter.userId, [...filter.kinds], upTo.txid, upTo.seq],
  );
  return rows.map(toEvent);
}

/** Whether the user's log holds an event at `position` (a resumed stream's `lastEventId`). */
export async function hasEventAt(em: Em, userId: string, position: LogPosition): Promise<boolean> {
  const rows = await em.execute<{ found: boolean }[]>(
    `select exists (select 1 from call_events where user_id = ? and txid = ?::xid8 and seq = ?) as found`,
    [userId, position.txid, position.seq],
  );
  return rows[0]!.found === true;
}

/** Which of the user's calls have any event in the log (a call with none has had its events pruned). */
export async function callsWithEvents(em: Em, userId: string, callIds: readonly string[]): Promise<Set<string>> {
  if (callIds.length === 0) return new Set();
  const rows = await em.execute<{ call_id: string }[]>(
    `select distinct call_id from call_events where call_id in (?) and user_id = ?`,
    [[...callIds], userId],
  );
  return new Set(rows.map((row) => row.call_id));
}
