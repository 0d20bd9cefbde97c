import { createHash } from 'node:crypto';
import { actionSummariesOf } from '../actions/action-item-queries.ts';
import { ownedCallRows } from '../calls/records/owned-calls.ts';
import { toCallSummary } from '../calls/call-views.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors/app-error.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import { isUuid } from '../ids/uuid.ts';
import { HIGHLIGHT_END, HIGHLIGHT_START, searchQueryOf } from '../search/search-entry-queries.ts';
import type { SearchCallsInput, SearchHit, SearchPage } from '../search/search-schemas.ts';
import { callFiltersOf } from './list-calls.ts';
import { searchEntries, type SearchHitRow } from './search-queries.ts';

/**
 * Everything a user said or was told, best match first: each hit names its
 * call, and a segment hit the moment (start time, speaker) to jump to. Pages
 * follow the rank with keyset cursors bound to the query that made them. A
 * query of stop words alone ("the") finds nothing rather than everything.
 */
export async function searchCalls(
  em: Em,
  tokens: OpaqueTokens,
  userId: string,
  input: SearchCallsInput,
): Promise<SearchPage> {
  const filters = callFiltersOf(input);
  const narrowed = Object.values(filters).some((value) => value !== undefined);
  const fingerprint = fingerprintOf(input);
  const after = input.cursor ? decodeSearchCursor(tokens, input.cursor, fingerprint) : undefined;
  const tsquery = await searchQueryOf(em, input.q);
  if (!tsquery) return { hits: [] };
  const rows = await searchEntries(em, userId, {
    text: input.q,
    tsquery,
    speakerRole: input.speakerRole,
    calls: narrowed ? filters : undefined,
    after,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const callIds = [...new Set(page.map((row) => row.callId))];
  const [calls, actions] = await Promise.all([ownedCallRows(em, userId, callIds), actionSummariesOf(em, callIds)]);
  const callById = new Map(calls.map((row) => [row.id, toCallSummary(row, actions.get(row.id))]));
  const last = page.at(-1);
  return {
    // A call deleted between the two reads is left out rather than shown half.
    hits: page.flatMap((row) => {
      const call = callById.get(row.callId);
      return call ? [toSearchHit(row, call)] : [];
    }),
    ...(rows.length > input.limit && last
      ? { nextCursor: encodeSearchCursor(tokens, { rank: last.rank, id: last.id, of: fingerprint }) }
      : {}),
  };
}

function toSearchHit(row: SearchHitRow, call: SearchHit['call']): SearchHit {
  const hit: SearchHit = { call, source: row.source, ...highlighted(row.headline), rank: row.rank };
  if (row.segmentId !== null) hit.segmentId = row.segmentId;
  if (row.startSeconds !== null) hit.startSeconds = row.startSeconds;
  if (row.speakerRole !== null)
    hit.speaker = row.speakerName ? { role: row.speakerRole, name: row.speakerName } : { role: row.speakerRole };
  if (row.actionItemId !== null) hit.actionItemId = row.actionItemId;
  return hit;
}

/**
 * The headline's marked words become plain text and the ranges they cover, so
 * no client renders markup from a transcript.
 */
function highlighted(headline: string): Pick<SearchHit, 'snippet' | 'highlights'> {
  const highlights: SearchHit['highlights'] = [];
  let snippet = '';
  let start = -1;
  for (const char of headline) {
    if (char === HIGHLIGHT_START) start = snippet.length;
    else if (char === HIGHLIGHT_END && start >= 0) {
      highlights.push({ start, end: snippet.length });
      start = -1;
    } else if (char !== HIGHLIGHT_END) snippet += char;
  }
  return { snippet, highlights };
}

interface SearchCursor {
  rank: number;
  id: string;
  /** The query and filters it was made for: a cursor resumes only its own search. */
  of: string;
}

function fingerprintOf(input: SearchCallsInput): string {
  const { q, speakerRole, status, direction, from, to, contact, sentiment, outcome, hasOpenActions } = input;
  return createHash('sha256')
    .update(JSON.stringify([q, speakerRole, status, direction, from, to, contact, sentiment, outcome, hasOpenActions]))
    .digest('base64url')
    .slice(0, 16);
}

function encodeSearchCursor(tokens: OpaqueTokens, cursor: SearchCursor): string {
  return tokens.seal('search.cursor', { ...cursor });
}

function decodeSearchCursor(tokens: OpaqueTokens, raw: string, fingerprint: string): { rank: number; id: string } {
  const { rank, id, of } = tokens.open('search.cursor', raw);
  // Bounded even though sealed: the rank reaches SQL as a `real`.
  if (isRealRank(rank) && typeof id === 'string' && isUuid(id) && of === fingerprint) return { rank, id };
  throw new AppError('validation_failed', 'Invalid cursor', {
    fields: { cursor: 'not a cursor returned by this search' },
  });
}

/** The largest finite `real`. */
const REAL_MAX = 3.4028234663852886e38;

/** A rank as ts_rank_cd gives it: 0, or a positive number a `real` holds (PostgreSQL refuses one that rounds to 0). */
function isRealRank(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= REAL_MAX && (value === 0 || Math.fround(value) !== 0);
}
