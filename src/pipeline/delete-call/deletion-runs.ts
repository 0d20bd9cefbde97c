import type { Client } from '@temporalio/client';
import type { PipelinePort } from '../../calls/pipeline-port.ts';
import { ofCall, type CallWorkflowInput } from '../process-call/call-runs.ts';
import type { WorkflowSearchAttributes } from '../runtime/search-attributes.ts';

/** A deleted call's clean-up: a second delete request, or the sweep, joins the one in flight. */
export const callDeletionWorkflowId = (callId: string) => `delete-call-${callId}`;

/** The clean-up's workflow type, as `workflows/index.ts` registers it (workflows/delete-call-workflow.ts). */
export const DELETE_CALL_WORKFLOW = 'deleteCallWorkflow';

/** The calls domain's way to a deleted call's clean-up. */
export function createDeletionRuns(
  client: Client,
  taskQueue: string,
  searchAttributes: WorkflowSearchAttributes,
): Pick<PipelinePort, 'cleanUpDeletedCall'> {
  return { cleanUpDeletedCall: (input) => startCallDeletionWorkflow(client, taskQueue, searchAttributes, input) };
}

/**
 * The clean-up of a deleted call, the one way the delete and the sweep start
 * it: a run in flight is joined, and a closed one may run again, since the
 * sweep only asks while the call's deletion note is still there.
 */
export async function startCallDeletionWorkflow(
  client: Client,
  taskQueue: string,
  searchAttributes: WorkflowSearchAttributes,
  input: CallWorkflowInput,
): Promise<void> {
  await client.workflow.start(DELETE_CALL_WORKFLOW, {
    ...ofCall(callDeletionWorkflowId(input.callId), taskQueue, input),
    typedSearchAttributes: searchAttributes({ kind: 'call-deletion', callId: input.callId }),
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}
