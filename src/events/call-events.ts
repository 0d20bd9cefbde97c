import type { ActionStatus } from '../actions/action-item.entity.ts';
import type { CallStatus } from '../calls/call-record.entity.ts';

/**
 * Everything that happens to a call, as the one log `call_events` records
 * it, in the transaction of the change. Rows of calls and action items are
 * captured by the database's trigger (migration 20261208-call-events), so
 * even a cascade is seen; stage progress is appended by the pipeline
 * (pipeline/processing-events.ts). Readers: the status and progress streams
 * (calls/call-status-changes.ts, pipeline/processing-events.ts), the change
 * feed (sync/change-feed.ts), the webhooks' fan-out (webhooks/webhook-fanout.ts)
 * and the status cache (calls/call-status-cache.ts), each woken by the
 * signal the log sends on every append (events/signal-bus.ts).
 */
export interface CallEventData {
  /** The call was created (`previousStatus` null) or moved to another status. */
  'call.status': { status: CallStatus; previousStatus: CallStatus | null; errorReason: string | null };
  /** Anything else about the call changed (its title, contact, cost...): the call as a list shows it may differ. */
  'call.updated': Record<string, never>;
  'call.deleted': Record<string, never>;
  /** A pipeline stage started, completed, was skipped or failed. */
  'call.progress': { stage: string; state: StageState };
  'action_item.created': ActionItemChange;
  'action_item.updated': ActionItemChange;
  'action_item.deleted': ActionItemChange;
}

export type StageState = 'STARTED' | 'COMPLETED' | 'SKIPPED' | 'FAILED';

interface ActionItemChange {
  id: string;
  status: ActionStatus;
}

export type CallEventKind = keyof CallEventData;

/**
 * Where an event stands in the log: its transaction, then its sequence.
 * Events are read in this order, which is the order their transactions could
 * be seen in, not the order their sequences were drawn.
 */
export interface LogPosition {
  txid: string;
  seq: number;
}

export type CallEvent = {
  [K in CallEventKind]: LogPosition & {
    userId: string;
    callId: string;
    kind: K;
    data: CallEventData[K];
    occurredAt: Date;
  };
}[CallEventKind];

export type CallEventOf<K extends CallEventKind> = Extract<CallEvent, { kind: K }>;

/** The opaque id a stream gives an event, and takes back as `lastEventId` to resume after it. */
export function eventIdOf(position: LogPosition): string {
  return `${position.txid}.${position.seq}`;
}

/** The largest xid8: a transaction id beyond it cannot reach SQL (PGlite fails, PostgreSQL clamps). */
const MAX_XID8 = 2n ** 64n - 1n;

/** The position an id names, or undefined for one this log never issued. */
export function positionOfEventId(id: string | null | undefined): LogPosition | undefined {
  const match = id ? /^(\d{1,20})\.(\d{1,15})$/.exec(id) : null;
  if (!match || BigInt(match[1]!) > MAX_XID8) return undefined;
  return { txid: match[1]!, seq: Number(match[2]) };
}

/** Whether `a` comes after `b` in the log. */
export function isAfter(a: LogPosition, b: LogPosition): boolean {
  const [ta, tb] = [BigInt(a.txid), BigInt(b.txid)];
  return ta > tb || (ta === tb && a.seq > b.seq);
}

/** How long an event stays in the log, and so how far back a stream resumes and a change token stays good. */
export const CALL_EVENT_RETENTION_DAYS = 30;
