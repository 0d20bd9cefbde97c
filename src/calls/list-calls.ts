import { actionSummariesOf } from '../actions/action-item-queries.ts';
import type { Em } from '../db/orm.ts';
import { listCallPage, sortKeyOf } from './call-record-queries.ts';
import { decodeCursor, encodeCursor } from './call-cursor.ts';
import type { CallPage, ListCallsInput } from './call-schemas.ts';
import { toCallSummary } from './call-views.ts';

/**
 * Keyset pagination in the requested order (newest created first by
 * default), id breaking ties: pages never repeat or skip while calls are added. Each call's open-item count and first title
 * come from one more query over the page's ids.
 */
export async function listCalls(em: Em, userId: string, input: ListCallsInput): Promise<CallPage> {
  const rows = await listCallPage(em, userId, {
    statuses: input.status,
    direction: input.direction,
    from: input.from,
    to: input.to,
    contact: input.contact,
    sort: input.sort,
    after: input.cursor ? decodeCursor(input.cursor, input.sort) : undefined,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const summaries = await actionSummariesOf(em, page.map((row) => row.id));
  const last = page.at(-1);
  const hasMore = rows.length > input.limit;
  return {
    items: page.map((row) => toCallSummary(row, summaries.get(row.id))),
    ...(hasMore && last ? { nextCursor: encodeCursor(input.sort, { key: sortKeyOf(last, input.sort), id: last.id }) } : {}),
  };
}
