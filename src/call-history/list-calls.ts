import { actionSummariesOf } from '../actions/action-item-queries.ts';
import { decodeCursor, encodeCursor } from '../calls/call-cursor.ts';
import type { CallAggregations, CallPage, ListCallsInput } from '../calls/call-schemas.ts';
import { toCallSummary } from '../calls/call-views.ts';
import type { Em } from '../db/orm.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import { searchQueryOf } from '../search/search-entry-queries.ts';
import { callCountsOf, minutesOf } from './call-counts.ts';
import type { CallFilters } from './call-filters.ts';
import { callFacets, listCallPage, sortKeyOf, type CallFacetRow } from './call-list-queries.ts';

/**
 * Keyset pagination in the requested order (newest created first by
 * default), id breaking ties: pages never repeat or skip while calls are
 * added. Each call's open-item count and first title come from one more
 * query over the page's ids; the facets, when asked for, from one beside it.
 */
export async function listCalls(
  em: Em,
  tokens: OpaqueTokens,
  userId: string,
  input: ListCallsInput,
): Promise<CallPage> {
  const found = input.q === undefined ? undefined : await searchQueryOf(em, input.q);
  // Words search cannot look for (stop words alone) find no call, as the search itself finds none.
  if (input.q !== undefined && found === undefined)
    return { items: [], ...(input.include === 'aggregations' ? { aggregations: aggregationsOf([]) } : {}) };
  const filters = callFiltersOf(input, found);
  const after = input.cursor ? decodeCursor(tokens, input.cursor, input.sort) : undefined;
  const [rows, facets] = await Promise.all([
    listCallPage(em, userId, { ...filters, sort: input.sort, after, limit: input.limit + 1 }),
    input.include === 'aggregations' ? callFacets(em, userId, filters) : undefined,
  ]);
  const page = rows.slice(0, input.limit);
  const summaries = await actionSummariesOf(
    em,
    page.map((row) => row.id),
  );
  const last = page.at(-1);
  const hasMore = rows.length > input.limit;
  const next = hasMore && last ? { key: sortKeyOf(last, input.sort), id: last.id } : undefined;
  return {
    items: page.map((row) => toCallSummary(row, summaries.get(row.id))),
    ...(next ? { nextCursor: encodeCursor(tokens, input.sort, next) } : {}),
    ...(facets ? { aggregations: aggregationsOf(facets) } : {}),
  };
}

type FilterInput = Pick<
  ListCallsInput,
  'status' | 'direction' | 'from' | 'to' | 'contact' | 'sentiment' | 'outcome' | 'hasOpenActions'
>;

/**
 * The list's filters as parsed input gives them (`status` and `sentiment`
 * may name several); `found`, the list's `q` as search folds it.
 */
export function callFiltersOf(input: FilterInput, found?: string): CallFilters {
  return {
    statuses: input.status,
    direction: input.direction,
    from: input.from,
    to: input.to,
    contact: input.contact,
    sentiments: input.sentiment,
    outcomes: input.outcome,
    openActions: input.hasOpenActions,
    found,
  };
}

function aggregationsOf(rows: CallFacetRow[]): CallAggregations {
  const sum = (pick: (row: CallFacetRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  return {
    ...callCountsOf(rows),
    totals: { calls: sum((row) => row.calls), minutes: minutesOf(sum((row) => row.seconds)) },
  };
}
