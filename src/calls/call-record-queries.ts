import type { Outcome, Sentiment } from '../analysis/analysis-schema.ts';
import type { Em } from '../db/orm.ts';
import type { CallDirection, CallStatus } from './call-record.entity.ts';
import { CALL_ROW_COLUMNS, type CallRow } from './call-views.ts';
import type { SqlFragment } from '../db/sql-fragment.ts';

/**
 * Every write of `call_records`, and no other file issues one; the call
 * history reads the table for its list, search, summary and stats. SQL
 * rather than the ORM's unit of work: the table's hot paths (bulk status,
 * the status transition guarded by the current status, the sweeps' scans)
 * are single statements whose shape decides their cost.
 */

export interface NewCallRecord {
  id: string;
  userId: string;
  title: string | null;
  contactName: string | null;
  contactId: string | null;
  phoneNumber: string | null;
  organization: string | null;
  direction: CallDirection;
  recordedAt: Date;
  durationSeconds: number | null;
  audioFormat: string;
  audioByteSize: number;
  workflowId: string;
  createdAt: Date;
}

/** A new call, QUEUED; created_at = updated_at marks that nothing has touched it since. */
export async function insertQueuedCall(em: Em, call: NewCallRecord): Promise<void> {
  await em.execute(
    `insert into call_records (id, user_id, title, contact_name, contact_id, phone_number, organization, direction, recorded_at,
       duration_seconds, status, audio_format, audio_byte_size, workflow_id, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?, ?)`,
    [
      call.id,
      call.userId,
      call.title,
      call.contactName,
      call.contactId,
      call.phoneNumber,
      call.organization,
      call.direction,
      call.recordedAt,
      call.durationSeconds,
      call.audioFormat,
      call.audioByteSize,
      call.workflowId,
      call.createdAt,
      call.createdAt,
    ],
  );
}

/** Whether the call exists; if so, it cannot be deleted until the caller's transaction ends (its status can still change). */
export async function holdCallRow(em: Em, callId: string): Promise<boolean> {
  const rows = await em.execute<unknown[]>('select 1 from call_records where id = ? for key share', [callId]);
  return rows.length > 0;
}

export async function deleteCallRecord(em: Em, callId: string): Promise<void> {
  await em.execute('delete from call_records where id = ?', [callId]);
}

/** Deletes those of `callIds` that are the user's; their artifacts, items and events cascade. */
export async function deleteOwnedCalls(em: Em, userId: string, callIds: readonly string[]): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    'delete from call_records where user_id = ? and id in (?) returning id',
    [userId, [...callIds]],
  );
  return rows.map((row) => row.id);
}

export async function callIdsOfUser(em: Em, userId: string): Promise<string[]> {
  return (await em.execute<{ id: string }[]>('select id from call_records where user_id = ?', [userId])).map(
    (row) => row.id,
  );
}

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

export async function statusOf(em: Em, callId: string): Promise<CallStatus | undefined> {
  return (await em.execute<{ status: CallStatus }[]>('select status from call_records where id = ?', [callId]))[0]
    ?.status;
}

/** Calls of every user by status: what operators see as `scryon_calls{status}`. */
export async function countCallsByStatus(em: Em): Promise<Record<string, number>> {
  const rows = await em.execute<{ status: CallStatus; calls: number }[]>(
    'select status, count(*)::int as calls from call_records group by status',
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.calls)]));
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
    'select id, user_id as "userId", status, error_reason as "errorReason", updated_at as "updatedAt" from call_records where id in (?)',
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

export interface CallFactsRow {
  title: string | null;
  contactName: string | null;
  phoneNumber: string | null;
  organization: string | null;
  direction: CallDirection;
  recordedAt: Date;
  durationSeconds: number | null;
  audioFormat: string | null;
}

export async function callFactsOf(em: Em, userId: string, callId: string): Promise<CallFactsRow | undefined> {
  const rows = await em.execute<CallFactsRow[]>(
    `select title, contact_name as "contactName", phone_number as "phoneNumber", organization, direction, recorded_at as "recordedAt",
            duration_seconds as "durationSeconds", audio_format as "audioFormat"
       from call_records where id = ? and user_id = ?`,
    [callId, userId],
  );
  const row = rows[0];
  return (
    row && {
      ...row,
      recordedAt: new Date(row.recordedAt),
      durationSeconds: row.durationSeconds === null ? null : Number(row.durationSeconds),
    }
  );
}

export interface CallJudgements {
  sentiment: Sentiment | null;
  outcome: Outcome | null;
}

/** The analysis's verdicts on the call, for the list's filters and facets. */
export async function setJudgements(em: Em, callId: string, judgements: CallJudgements): Promise<void> {
  await em.execute('update call_records set sentiment = ?, outcome = ? where id = ?', [
    judgements.sentiment,
    judgements.outcome,
    callId,
  ]);
}

/** The measured length, for a call whose client gave none: a client's own value is never replaced. */
export async function setMeasuredDuration(em: Em, callId: string, seconds: number): Promise<void> {
  await em.execute('update call_records set duration_seconds = ? where id = ? and duration_seconds is null', [
    seconds,
    callId,
  ]);
}

/** The call's cost becomes `total` (a subquery of the costs module): recomputed, never incremented, so a repeated write cannot count twice. */
export async function refreshCallCost(em: Em, callId: string, total: SqlFragment): Promise<void> {
  await em.execute(`update call_records set cost_usd = coalesce((${total.sql}), 0) where id = ?`, [
    ...total.params,
    callId,
  ]);
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
