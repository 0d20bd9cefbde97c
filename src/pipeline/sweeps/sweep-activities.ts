import { Context } from '@temporalio/activity';
import { guardActivity } from '../activity-guard.ts';
import { startCallDeletionWorkflow } from '../delete-call/deletion-runs.ts';
import { callWorkflowState, startCallWorkflow } from '../process-call/call-runs.ts';
import type { WorkflowSearchAttributes } from '../runtime/search-attributes.ts';
import type { SweepKind } from './sweep-schedules.ts';
import {
  sweepExpiredAudio,
  sweepExpiredChanges,
  sweepExpiredIdempotencyKeys,
  sweepExpiredWebhookDeliveries,
  sweepOrphanedObjects,
  sweepPendingDeletions,
  sweepStalledCalls,
  sweepUnstartedCalls,
  type CallSweepDeps,
  type SweepDeps,
} from './sweepers.ts';

/** The sweeps' dependencies, and the search attributes the workflows the call sweeps start carry. */
export type SweepActivityDeps = SweepDeps & { searchAttributes: WorkflowSearchAttributes };

/** The sweep workflow's one activity: the sweep of a kind, idempotent, returning how many things it cleared. */
export function createSweepActivities(deps: SweepActivityDeps) {
  return {
    sweep: guardActivity('sweep_failed', async (kind: SweepKind): Promise<number> => {
      if (kind === 'expired_audio') return sweepExpiredAudio(deps);
      if (kind === 'orphaned_objects') return sweepOrphanedObjects(deps);
      if (kind === 'expired_idempotency_keys') return sweepExpiredIdempotencyKeys(deps);
      if (kind === 'expired_changes') return sweepExpiredChanges(deps);
      if (kind === 'expired_webhook_deliveries') return sweepExpiredWebhookDeliveries(deps);
      if (kind === 'unstarted_calls') return sweepUnstartedCalls(callSweepDeps(deps));
      if (kind === 'pending_deletions') return sweepPendingDeletions(callSweepDeps(deps));
      return sweepStalledCalls(callSweepDeps(deps));
    }),
  };
}

export type SweepActivities = ReturnType<typeof createSweepActivities>;

/**
 * The call sweeps' view of Temporal, from the running activity: its worker's
 * client, and its own task queue, which is the pipeline's (the sweep
 * schedules start their workflows there).
 */
function callSweepDeps(sweeps: SweepActivityDeps): CallSweepDeps {
  const context = Context.current();
  return {
    ...sweeps,
    workflowState: (callId) => callWorkflowState(context.client, callId),
    startCall: (input) => startCallWorkflow(context.client, context.info.taskQueue, sweeps.searchAttributes, input),
    cleanUpDeletedCall: (input) =>
      startCallDeletionWorkflow(context.client, context.info.taskQueue, sweeps.searchAttributes, input),
    heartbeat: () => context.heartbeat(),
  };
}
