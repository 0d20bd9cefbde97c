import type { CallRef } from '../calls/pipeline-port.ts';
import type { Em } from '../db/orm.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import { searchCalls } from './search-calls.ts';
import { indexCall, type FindableCall } from './search-index.ts';
import type { SearchCallsInput, SearchPage } from './search-schemas.ts';

/** Full-text search over a user's calls: the surfaces' query and the pipeline's index write. */
export function createSearchService(deps: { fork: () => Em; tokens: OpaqueTokens }) {
  return {
    search(userId: string, input: SearchCallsInput): Promise<SearchPage> {
      return searchCalls(deps.fork(), deps.tokens, userId, input);
    },

    /** False when the call is gone. */
    indexCall(call: CallRef, findable: FindableCall): Promise<boolean> {
      return indexCall(deps.fork(), call, findable);
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
