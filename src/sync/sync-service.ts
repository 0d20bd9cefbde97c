import type { ActionsService } from '../actions/actions-service.ts';
import type { Em } from '../db/orm.ts';
import { changesSince } from './change-feed.ts';
import type { ChangePage, ChangesInput } from './change-schemas.ts';

/** The change feed an offline client syncs by. */
export function createSyncService(deps: { fork: () => Em; actions: Pick<ActionsService, 'withIds'> }) {
  return {
    changes(userId: string, input: ChangesInput): Promise<ChangePage> {
      return changesSince({ em: deps.fork(), actions: deps.actions }, userId, input);
    },
  };
}
