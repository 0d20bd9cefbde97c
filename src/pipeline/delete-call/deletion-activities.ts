import { Context } from '@temporalio/activity';
import { deleteCallObjects, forgetCallDeletion } from '../../calls/delete-calls.ts';
import type { CallRef } from '../../calls/pipeline-port.ts';
import type { Em } from '../../db/orm.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';
import { guardActivity } from '../activity-guard.ts';
import { stopCallWorkflow } from '../process-call/call-runs.ts';

/** Cancelled activities of a deleted call get this long to stop before its run is terminated. */
const CANCELLATION_GRACE_MS = 30_000;

export interface DeletionDeps {
  fork: () => Em;
  storage: ArtifactStore;
}

/** The activities of a deleted call's clean-up (workflows/delete-call-workflow.ts); each is idempotent. */
export function createDeletionActivities(deps: DeletionDeps) {
  return {
    stopCallProcessing: guardActivity('delete_failed', async (callId: string) => {
      const context = Context.current();
      await stopCallWorkflow(context.client, callId, {
        graceMs: CANCELLATION_GRACE_MS,
        heartbeat: () => context.heartbeat(),
      });
    }),
    deleteCallObjects: guardActivity('delete_failed', (call: CallRef) => deleteCallObjects(deps.storage, call)),
    forgetCallDeletion: guardActivity('delete_failed', (callId: string) => forgetCallDeletion(deps.fork(), callId)),
  };
}

export type DeletionActivities = ReturnType<typeof createDeletionActivities>;
