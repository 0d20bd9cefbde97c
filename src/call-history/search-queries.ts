import type { Em } from '../db/orm.ts';
import type { SqlFragment } from '../db/sql-fragment.ts';
import { HIGHLIGHT_END, HIGHLIGHT_START, type SearchSource } from '../search/search-entry-queries.ts';
import type { Role } from '../transcripts/transcript-document.ts';
import type { CallFilters } from './call-filters.ts';
import { filteredCallIds } from './call-list-queries.ts';

/**
 * The search's read of `search_entries`, narrowed by the list's filters on
 * `call_records`. One statement whose shape (the GIN index on owner and
 * words, the rank computed only for matches, the snippet only for the page)
 * decides its cost.
 */

const HEADLINE_OPTIONS =
  `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, ` +
  'MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "';

export interface SearchQuery {
  /**
   * What the user typed (websearch_to_tsquery syntax: words, "a phrase", or,
   * -not): the snippet's highlights follow it.
   */
  text: string;
  /** `text` as searchQueryOf folds it. */
  tsquery: string;
  speakerRole?: Role | undefined;
  /** Only entries of the calls that pass these filters. */
  calls?: CallFilters | undefined;
  /** Keyset position: hits strictly after it in rank order, id breaking ties. */
  after?: { rank: number; id: string } | undefined;
  limit: number;
}

export interface SearchHitRow {
  id: string;
  callId: string;
  source: SearchSource;
  segmentId: string | null;
  actionItemId: string | null;
  startSeconds: number | null;
  speakerRole: Role | null;
  speakerName: string | null;
  /** The matched text around the hit, the matching words between HIGHLIGHT_START and HIGHLIGHT_END. */
  headline: string;
  rank: number;
}

/**
 * The matches ranked: at most this many per search, the newest calls' first.
 * A word said in a tenth of a user's segments would otherwise be ranked over
 * every one of them; the newest of them are what such a search is after, and
 * the (user_id, recorded_at) index reaches them without reading the rest.
 */
export const RANKED_CANDIDATES = 1000;

/**
 * A user's best-ranked entries among the newest RANKED_CANDIDATES matching
 * the query (from searchQueryOf, sent as a constant so the planner sees how
 * common its words are: a rare word is looked up in the GIN index, a common
 * one found by walking the newest entries). The rank is computed for those
 * candidates only, and the snippet, the costly part, for the page only.
 */
export async function searchEntries(em: Em, userId: string, query: SearchQuery): Promise<SearchHitRow[]> {
  const { sql, params } = searchStatement(userId, query);
  return em.execute<SearchHitRow[]>(sql, params);
}

/** The search as one statement, for searchEntries and for the bench's query plans. */
export function searchStatement(userId: string, query: SearchQuery): SqlFragment {
  const where = ['user_id = ?', 'words @@ ?::tsquery'];
  const params: unknown[] = [userId, query.tsquery];
  if (query.speakerRole) {
    where.push(`source = 'SEGMENT' and speaker_role = ?`);
    params.push(query.speakerRole);
  }
  if (query.calls) {
    const calls = filteredCallIds(userId, query.calls);
    where.push(`call_id in (${calls.sql})`);
    params.push(...calls.params);
  }
  params.push(RANKED_CANDIDATES, query.tsquery);
  const after = query.after ? 'where (rank < ?::real or (rank = ?::real and id > ?::uuid))' : '';
  if (query.after) params.push(query.after.rank, query.after.rank, query.after.id);
  params.push(query.limit, query.text, HEADLINE_OPTIONS);
  const sql = `with candidates as (select id, words from search_entries
                                  where ${where.join(' and ')}
                                  order by recorded_at desc, id desc limit ?),
          ranked as (select id, ts_rank_cd(words, ?::tsquery) as rank from candidates),
          hits as (select id, rank from ranked ${after} order by rank desc, id limit ?)
     select e.id, e.call_id as "callId", e.source, e.segment_id as "segmentId", e.action_item_id as "actionItemId",
            e.start_seconds as "startSeconds",
            e.speaker_role as "speakerRole", e.speaker_name as "speakerName", hits.rank,
            ts_headline(e.config, e.body, websearch_to_tsquery(e.config, ?), ?) as headline
       from hits join search_entries e on e.id = hits.id
      order by hits.rank desc, hits.id`;
  return { sql, params };
}
