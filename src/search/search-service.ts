import type { CallRef } from '../calls/pipeline-port.ts';
import type { Em } from '../db/orm.ts';
import { indexCall, type FindableCall } from './search-index.ts';

/** The full-text index of a user's calls, written by the pipeline (the call history searches it). */
export function createSearchService(deps: { fork: () => Em }) {
  return {
    /** False when the call is gone. */
    indexCall(call: CallRef, findable: FindableCall): Promise<boolean> {
      return indexCall(deps.fork(), call, findable);
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
