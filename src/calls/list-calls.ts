import type { Em } from '../db/orm.ts';
import { decodeCursor, encodeCursor } from './call-cursor.ts';
import type { CallPage, ListCallsInput } from './call-schemas.ts';
import { toCallSummary, type CallRow } from './call-views.ts';

/**
 * Keyset pagination over (created_at, id) descending: pages never repeat or
 * skip while calls are added. Counts and the first title come from correlated
 * subqueries on the action-items index, so a page is one round-trip.
 */
export async function listCalls(em: Em, userId: string, input: ListCallsInput): Promise<CallPage> {
  const where = ['c.user_id = ?'];
  const params: unknown[] = [userId];
  if (input.status) {
    where.push('c.status = ?');
    params.push(input.status);
  }
  if (input.cursor) {
    const cursor = decodeCursor(input.cursor);
    if (cursor.id) {
      where.push('(c.created_at, c.id) < (?::timestamptz, ?::uuid)');
      params.push(cursor.createdAt, cursor.id);
    } else {
      where.push('c.created_at < ?::timestamptz');
      params.push(cursor.createdAt);
    }
  }
  params.push(input.limit + 1);
  const rows = await em.getConnection().execute<CallRow[]>(
    `select c.id, c.title, c.contact_name, c.direction, c.status, c.duration_seconds, c.created_at,
            (select count(*) from action_items a
              where a.call_record_id = c.id and a.status <> 'DISMISSED') as action_item_count,
            (select a.title from action_items a
              where a.call_record_id = c.id and a.status <> 'DISMISSED'
              order by a.created_at, a.id limit 1) as first_action_title
       from call_records c
      where ${where.join(' and ')}
      order by c.created_at desc, c.id desc
      limit ?`,
    params,
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const hasMore = rows.length > input.limit;
  return {
    items: page.map(toCallSummary),
    ...(hasMore && last ? { nextCursor: encodeCursor({ createdAt: new Date(last.created_at).toISOString(), id: last.id }) } : {}),
  };
}
