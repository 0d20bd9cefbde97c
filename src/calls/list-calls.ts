import { actionSummariesOf } from '../actions/action-item-queries.ts';
import type { Em } from '../db/orm.ts';
import { listCallPage } from './call-record-queries.ts';
import { decodeCursor, encodeCursor } from './call-cursor.ts';
import type { CallPage, ListCallsInput } from './call-schemas.ts';
import { toCallSummary } from './call-views.ts';

/**
 * Keyset pagination over (created_at, id) descending: pages never repeat or
 * skip while calls are added. Each call's open-item count and first title
 * come from one more query over the page's ids.
 */
export async function listCalls(em: Em, userId: string, input: ListCallsInput): Promise<CallPage> {
  const rows = await listCallPage(em, userId, {
    status: input.status,
    after: input.cursor ? decodeCursor(input.cursor) : undefined,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const summaries = await actionSummariesOf(em, page.map((row) => row.id));
  const last = page.at(-1);
  const hasMore = rows.length > input.limit;
  return {
    items: page.map((row) => toCallSummary(row, summaries.get(row.id))),
    ...(hasMore && last ? { nextCursor: encodeCursor({ createdAt: new Date(last.created_at).toISOString(), id: last.id }) } : {}),
  };
}
