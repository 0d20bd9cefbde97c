import type { Em } from '../db/orm.ts';
import type { SqlFragment } from '../db/sql-fragment.ts';
import type { CallSort } from '../calls/call-schemas.ts';
import { CALL_ROW_COLUMNS, type CallRow } from '../calls/call-views.ts';
import type { CallCountRow } from './call-counts.ts';
import type { CallFilters, CallPageQuery } from './call-filters.ts';

/**
 * The list's reads of `call_records`, narrowed by the user's items and
 * search entries: the call history owns these joins, the tables' owners
 * write the rows. Single statements whose shape decides their cost.
 */

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
    `select ${CALL_ROW_COLUMNS} from call_records where ${where.join(' and ')}
      order by ${key.sql} ${direction}, id ${direction} limit ?`,
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
  if (filters.found)
    filter(
      'id in (select call_id from search_entries where user_id = ? and words @@ ?::tsquery)',
      userId,
      filters.found,
    );
  if (filters.openActions !== undefined)
    filter(
      `id ${filters.openActions ? 'in' : 'not in'} (select call_record_id from action_items
         where user_id = ? and status in ('OPEN', 'IN_PROGRESS'))`,
      userId,
    );
  return { where, params, filter };
}

/**
 * The ids of a user's calls that pass the filters, as a subquery: how the
 * search narrows its hits by the list's filters.
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
    `select status, direction, sentiment, outcome, count(*)::int as calls,
            coalesce(sum(duration_seconds), 0)::float8 as seconds
       from call_records where ${where.join(' and ')} group by status, direction, sentiment, outcome`,
    params,
  );
  return rows.map((row) => ({ ...row, calls: Number(row.calls), seconds: Number(row.seconds) }));
}
