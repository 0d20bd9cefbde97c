import type { ActionsService } from '../actions/actions-service.ts';
import type { Em } from '../db/orm.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import { changesSince } from './change-feed.ts';
import type { ChangePage, ChangesInput } from './change-schemas.ts';

/** The change feed an offline client syncs by. */
export interface SyncServiceDeps {
  fork: () => Em;
  actions: Pick<ActionsService, 'withIds'>;
  tokens: OpaqueTokens;
}

export function createSyncService(deps: SyncServiceDeps) {
  return {
    changes(userId: string, input: ChangesInput): Promise<ChangePage> {
      return changesSince({ em: deps.fork(), actions: deps.actions, tokens: deps.tokens }, userId, input);
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;
