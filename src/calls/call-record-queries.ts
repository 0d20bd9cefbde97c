import type { Outcome, Sentiment } from '../analysis/analysis-schema.ts';
import type { Em } from '../db/orm.ts';
import type { CallDirection, CallStatus } from './call-record.entity.ts';
import type { CallCountRow } from './call-counts.ts';
import type { PeriodGrouping } from './period-summary-schemas.ts';
import type { CallRow } from './call-views.ts';
import type { SqlFragment } from '../db/sql-fragment.ts';
import type { CallFilters, CallPageQuery } from './call-filters.ts';
import type { CallSort } from './call-schemas.ts';

/**
 * Every statement on `call_records`, and no other file issues one. SQL rather
 * than the ORM's unit of work: the table's hot paths (bulk status, the list
 * page, the status transition guarded by the current status, the sweeps'
 * scans) are single statements whose shape decides their cost, and one file
 * holding them all shows which indexes the table needs.
 */

/** The columns a call's detail and summary views read. */
const DETAIL_COLUMNS =
  'id, title, contact_name, phone_number, direction, status, duration_seconds, recorded_at, created_at, error_reason';

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
  const rows = await em.execute<CallRow[]>(`select ${DETAIL_COLUMNS} from call_records where id = ? and user_id = ?`, [
    callId,
    userId,
  ]);
  return rows[0];
}

/** The rows of those of `callIds` that are the user's. */
export async function ownedCallRows(em: Em, userId: string, callIds: readonly string[]): Promise<CallRow[]> {
  if (callIds.length === 0) return [];
  return em.execute<CallRow[]>(`select ${DETAIL_COLUMNS} from call_records where user_id = ? and id in (?)`, [
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
 * Each sort's key as SQL, and the cast its cursor value needs. An unknown
 * duration sorts as -1: before every known one ascending, after them descending.
 */
const SORT_KEYS: Record<CallSortField, { sql: string; cast: string }> = {
  createdAt: { sql: 'created_at', cast: 'timestamptz' },
  recordedAt: { sql: 'recorded_at', cast: 'timestamptz' },
  durationSeconds: { sql: 'coalesce(duration_seconds, -1)', cast: 'double precision' },
};

/** The value of a row's sort key, as its cursor carries it. */
export function sortKeyOf(row: CallRow, sort: CallSort): string | number {
  const field = sortField(sort);
  if (field === 'durationSeconds') return row.duration_seconds ?? -1;
  return new Date((field === 'createdAt' ? row.created_at : row.recorded_at) as Date | string).toISOString();
}

type CallSortField = 'createdAt' | 'recordedAt' | 'durationSeconds';
const sortField = (sort: CallSort) => sort.replace(/^-/, '') as CallSortField;

/**
 * One page of a user's filtered calls in the sort's order, id breaking ties,
 * so pages never repeat or skip while calls are added. The default order
 * (newest created first) runs on the (user_id, created_at desc, id desc)
 * index, the recorded order on its own.
 */
export async function listCallPage(em: Em, userId: string, query: CallPageQuery): Promise<CallRow[]> {
  const { where, params, filter } = filtered(userId, query);
  const key = SORT_KEYS[sortField(query.sort)];
  const direction = query.sort.startsWith('-') ? 'desc' : 'asc';
  const after = direction === 'desc' ? '<' : '>';
  if (query.after?.key !== undefined && query.after.id)
    filter(`(${key.sql}, id) ${after} (?::${key.cast}, ?::uuid)`, query.after.key, query.after.id);
  else if (query.after?.key !== undefined) filter(`${key.sql} ${after} ?::${key.cast}`, query.after.key);
  // A cursor with only an id resumes after that call, wherever its key puts it (nothing after a call since deleted).
  else if (query.after?.id)
    filter(
      `(${key.sql}, id) ${after} (select ${key.sql}, id from call_records where id = ?::uuid and user_id = ?)`,
      query.after.id,
      userId,
    );
  params.push(query.limit);
  return em.execute<CallRow[]>(
    `select ${DETAIL_COLUMNS} from call_records where ${where.join(' and ')} order by ${key.sql} ${direction}, id ${direction} limit ?`,
    params,
  );
}

/** The WHERE of a user's filtered calls, open to more conditions. */
function filtered(userId: string, filters: CallFilters) {
  const where = ['user_id = ?'];
  const params: unknown[] = [userId];
  const filter = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    params.push(...values);
  };
  if (filters.statuses?.length) filter('status in (?)', [...filters.statuses]);
  if (filters.direction) filter('direction = ?', filters.direction);
  if (filters.from) filter('recorded_at >= ?::timestamptz', filters.from);
  if (filters.to) filter('recorded_at < ?::timestamptz', filters.to);
  if (filters.contact) {
    const pattern = `%${filters.contact.replace(/[\\%_]/g, '\\$&')}%`;
    filter(`(contact_name ilike ? escape '\\' or phone_number like ? escape '\\')`, pattern, pattern);
  }
  if (filters.sentiments?.length) filter('sentiment in (?)', [...filters.sentiments]);
  if (filters.outcomes?.length) filter('outcome in (?)', [...filters.outcomes]);
  if (filters.found) filter(`id in (${filters.found.sql})`, ...filters.found.params);
  if (filters.openActions)
    filter(
      `id ${filters.openActions.has ? 'in' : 'not in'} (${filters.openActions.calls.sql})`,
      ...filters.openActions.calls.params,
    );
  return { where, params, filter };
}

/**
 * The ids of a user's calls that pass the filters, as a subquery: how the
 * search narrows its hits by the list's filters without naming this table.
 */
export function filteredCallIds(userId: string, filters: CallFilters): SqlFragment {
  const { where, params } = filtered(userId, filters);
  return { sql: `select id from call_records where ${where.join(' and ')}`, params };
}

export interface CallFacetRow extends CallCountRow {
  /** Known durations only: a call whose length is unknown adds none. */
  seconds: number;
}

/** Counts and seconds of a user's filtered calls by status and direction, in one statement. */
export async function callFacets(em: Em, userId: string, filters: CallFilters): Promise<CallFacetRow[]> {
  const { where, params } = filtered(userId, filters);
  const rows = await em.execute<CallFacetRow[]>(
    `select status, direction, sentiment, outcome, count(*)::int as calls, coalesce(sum(duration_seconds), 0)::float8 as seconds
       from call_records where ${where.join(' and ')} group by status, direction, sentiment, outcome`,
    params,
  );
  return rows.map((row) => ({ ...row, calls: Number(row.calls), seconds: Number(row.seconds) }));
}

export interface PeriodQuery {
  /** [from, to) on recorded_at. */
  from: string;
  to: string;
  unit: PeriodGrouping;
  /** An IANA zone: buckets start at its midnights (weeks on its Mondays). */
  timeZone: string;
  /** The items' counts per bucket (`key`) of the period's calls, as the actions module spells them, given how a timestamp column is bucketed. */
  items: (bucketOf: (column: string) => SqlFragment) => SqlFragment;
}

export interface PeriodSummaryRow {
  series: Array<{
    start: string;
    calls: number;
    seconds: number;
    opened: number;
    done: number;
    overdue: number;
    costUsd: number;
  }>;
  /** Calls whose duration is known: the average's denominator. */
  timedCalls: number;
  /** Calls per combination of status, direction, sentiment and outcome (a few hundred rows at most). */
  facets: CallCountRow[];
}

/**
 * A user's calls recorded in a period, in one statement: a bucket per day or
 * week of the zone (empty ones included) with its calls, seconds and the
 * items of those calls, and the period's counts by status, direction,
 * sentiment and outcome together. Each part groups the calls as it reads
 * them, by a key few enough to hash, and never holds them row by row: that
 * keeps the plan cheap enough that PostgreSQL neither sorts the period nor
 * compiles the statement (its JIT cost more than the whole query).
 */
export async function periodSummary(em: Em, userId: string, query: PeriodQuery): Promise<PeriodSummaryRow> {
  const { sql, params } = periodSummaryStatement(userId, query);
  const rows = await em.execute<{ summary: PeriodSummaryRow }[]>(sql, params);
  return rows[0]!.summary;
}

/** The period summary as one statement, for periodSummary and for the bench's query plans. */
export function periodSummaryStatement(userId: string, query: PeriodQuery): SqlFragment {
  const { unit, timeZone: zone, from, to } = query;
  const inPeriod =
    'from call_records where user_id = ? and recorded_at >= ?::timestamptz and recorded_at < ?::timestamptz';
  const bucketOf = (column: string): SqlFragment => ({
    sql: `date_trunc(?, ${column} at time zone ?)`,
    params: [unit, zone],
  });
  const bucket = bucketOf('recorded_at').sql;
  const items = query.items(bucketOf);
  return {
    sql: `with calls as (select ${bucket} as key, count(*) as calls, count(duration_seconds) as timed, coalesce(sum(duration_seconds), 0) as seconds,
                             sum(cost_usd) as cost
                      ${inPeriod} group by 1),
          items as (${items.sql}),
          buckets as (select generate_series(date_trunc(?, ?::timestamptz at time zone ?), (?::timestamptz - interval '1 microsecond') at time zone ?, ?::interval) as key),
          series as (select b.key as bucket, coalesce(c.calls, 0)::int as calls, coalesce(c.seconds, 0)::float8 as seconds,
                            coalesce(i.opened, 0)::int as opened, coalesce(i.done, 0)::int as done, coalesce(i.overdue, 0)::int as overdue,
                            coalesce(c.cost, 0)::float8 as cost
                       from buckets b left join calls c on c.key = b.key left join items i on i.key = b.key)
     select json_build_object(
       'series', (select coalesce(json_agg(json_build_object('start', to_char(bucket, 'YYYY-MM-DD'), 'calls', calls, 'seconds', seconds,
                                                             'opened', opened, 'done', done, 'overdue', overdue, 'costUsd', cost) order by bucket), '[]') from series),
       'timedCalls', (select coalesce(sum(timed), 0) from calls),
       'facets', (select coalesce(json_agg(facets), '[]')
                    from (select status, direction, sentiment, outcome, count(*) as calls ${inPeriod} group by 1, 2, 3, 4) facets)
     ) as summary`,
    params: [unit, zone, userId, from, to, ...items.params, unit, from, zone, to, zone, `1 ${unit}`, userId, from, to],
  };
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

export interface CallTotals {
  totalCalls: number;
  callsThisWeek: number;
  averageDurationSeconds: number | null;
}

/** This week = since Monday 00:00 UTC of `now`; the average covers only calls with a duration. */
export async function callTotalsOf(em: Em, userId: string, now: Date): Promise<CallTotals> {
  const rows = await em.execute<CallTotals[]>(
    `select count(*)::int as "totalCalls",
            count(*) filter (where (created_at at time zone 'UTC') >= date_trunc('week', ?::timestamptz at time zone 'UTC'))::int as "callsThisWeek",
            avg(duration_seconds)::float8 as "averageDurationSeconds"
       from call_records where user_id = ?`,
    [now.toISOString(), userId],
  );
  return rows[0]!;
}
