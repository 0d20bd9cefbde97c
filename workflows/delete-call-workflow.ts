import { proxyActivities } from '@temporalio/workflow';
import type { DeletionActivities } from '../src/pipeline/delete-call/deletion-activities.ts';
import type { CallWorkflowInput } from '../src/pipeline/process-call/call-runs.ts';

/** Stopping the call's run waits out its cancellation grace, heartbeating meanwhile. */
const stopping = proxyActivities<DeletionActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Storage and database clean-up: idempotent, so retried until it succeeds. */
const cleanUp = proxyActivities<DeletionActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * What remains of a call after its row was deleted: its processing is
 * stopped first, so nothing is written afterwards, then its objects go, and
 * last the deletion note that lets the sweep start this again after a crash.
 */
export async function deleteCallWorkflow(input: CallWorkflowInput): Promise<void> {
  await stopping.stopCallProcessing(input.callId);
  await cleanUp.deleteCallObjects(input);
  await cleanUp.forgetCallDeletion(input.callId);
}
