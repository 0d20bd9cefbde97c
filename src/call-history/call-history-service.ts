import type { ListCallsInput, CallPage } from '../calls/call-schemas.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors/app-error.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import type { SearchCallsInput, SearchPage } from '../search/search-schemas.ts';
import { createZoneCatalog, TIME_ZONE_MESSAGE } from '../time/time-zones.ts';
import { listCalls } from './list-calls.ts';
import type { PeriodSummary, PeriodSummaryInput } from './period-summary-schemas.ts';
import { searchCalls } from './search-calls.ts';
import { summarizePeriod } from './summarize-period.ts';
import { computeUserStats, type UserStats } from './user-stats.ts';

/**
 * What a user reads across their calls, items, search entries and costs: the
 * list, the search, the period summary and the stats. Each table's owner
 * writes its rows; this module reads them together and owns those joins.
 */
export function createCallHistory(deps: { fork: () => Em; tokens: OpaqueTokens }) {
  const zones = createZoneCatalog(deps.fork);
  return {
    list(userId: string, input: ListCallsInput): Promise<CallPage> {
      return listCalls(deps.fork(), deps.tokens, userId, input);
    },

    search(userId: string, input: SearchCallsInput): Promise<SearchPage> {
      return searchCalls(deps.fork(), deps.tokens, userId, input);
    },

    async summarize(userId: string, input: PeriodSummaryInput): Promise<PeriodSummary> {
      // Checked before the statement: a zone PostgreSQL does not know would fail it (a 500).
      if (!(await zones.knows(input.tz))) {
        throw new AppError('validation_failed', 'Unknown time zone', { fields: { tz: TIME_ZONE_MESSAGE } });
      }
      return summarizePeriod(deps.fork(), userId, input);
    },

    stats(userId: string): Promise<UserStats> {
      return computeUserStats(deps.fork(), userId);
    },
  };
}

export type CallHistory = ReturnType<typeof createCallHistory>;
