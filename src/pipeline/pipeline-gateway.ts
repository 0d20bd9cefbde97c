import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { PipelineUnavailableError, type PipelinePort } from '../calls/pipeline-port.ts';
import { isTransientTemporalError } from '../errors/transient-temporal-error.ts';
import type { WorkflowSearchAttributes } from './runtime/search-attributes.ts';
import {
  callDeletionWorkflowId,
  callWorkflowId,
  reanalysisWorkflowId,
  WORKFLOW_TYPES,
  type CallWorkflowInput,
} from './workflow-ids.ts';

const NEVER_RAN_HISTORY_LENGTH = 2;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createPipelineGateway(
  client: Client,
  taskQueue: string,
  searchAttributes: WorkflowSearchAttributes,
): PipelinePort {
  return {
    pipelineIdOf: callWorkflowId,

    async startCall(input) {
      try {
        await startCallWorkflow(client, taskQueue, searchAttributes, input);
      } catch (error) {
        throw isTransientTemporalError(error) ? new PipelineUnavailableError(error) : error;
      }
    },

    cleanUpDeletedCall: (input) => startCallDeletionWorkflow(client, taskQueue, searchAttributes, input),

    async reanalyze(input) {
      await client.workflow.execute(WORKFLOW_TYPES.reanalyzeCall, {
        workflowId: reanalysisWorkflowId(input.callId),
        workflowIdConflictPolicy: 'USE_EXISTING',
        taskQueue,
        args: [input],
        memo: { callId: input.callId, userId: input.userId },
        typedSearchAttributes: searchAttributes({ kind: 'reanalysis', callId: input.callId }),
      });
    },
  };
}

/**
 * Starts a call's workflow, the one way both the upload and the reconciler do
 * it. REJECT_DUPLICATE: a call is processed by one run, so a start that finds
 * any run of `call-<id>`, running or closed, is a no-op and never a second run
 * (the deterministic id alone would let a closed one run again).
 */
export async function startCallWorkflow(
  client: Client,
  taskQueue: string,
  searchAttributes: WorkflowSearchAttributes,
  input: CallWorkflowInput,
): Promise<void> {
  try {
    await client.workflow.start(WORKFLOW_TYPES.processCall, {
      ...ofCall(callWorkflowId(input.callId), taskQueue, input),
      // Started QUEUED, the status the call's row has; the workflow moves it on.
      typedSearchAttributes: searchAttributes({ kind: 'call', callId: input.callId, callStatus: 'QUEUED' }),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
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
  await client.workflow.start(WORKFLOW_TYPES.deleteCall, {
    ...ofCall(callDeletionWorkflowId(input.callId), taskQueue, input),
    typedSearchAttributes: searchAttributes({ kind: 'call-deletion', callId: input.callId }),
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

/** A workflow about one call: the call as its argument, and its ids in the memo the Temporal UI shows. */
function ofCall(workflowId: string, taskQueue: string, input: CallWorkflowInput) {
  return {
    workflowId,
    taskQueue,
    args: [input] as [CallWorkflowInput],
    memo: { callId: input.callId, userId: input.userId },
  };
}

export interface StopCallOptions {
  /** How long cancelled activities get to stop before the run is terminated. */
  graceMs: number;
  /** Called while waiting, so the stopping activity keeps heartbeating. */
  heartbeat: () => void;
  pollMs?: number;
}

/**
 * Stops a call's workflow and returns once it is closed; a missing or closed
 * one is fine. Cancellation first, so activities end cleanly; a worker that
 * is gone would make that wait forever, so it is bounded and then forced.
 */
export async function stopCallWorkflow(client: Client, callId: string, options: StopCallOptions): Promise<void> {
  const handle = client.workflow.getHandle(callWorkflowId(callId));
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return;
    // Never picked up by a worker (only "started" and "task scheduled" in
    // history): nothing can be running, so end it without waiting for one.
    if (description.historyLength <= NEVER_RAN_HISTORY_LENGTH) {
      await handle.terminate('call deleted before processing started');
      return;
    }
    await handle.cancel();
    const deadline = Date.now() + options.graceMs;
    while ((await handle.describe()).status.name === 'RUNNING') {
      if (Date.now() >= deadline) {
        await handle.terminate('call deleted; cancellation not acknowledged in time');
        return;
      }
      options.heartbeat();
      await delay(options.pollMs ?? 250);
    }
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

export type CallWorkflowState = 'running' | 'closed' | 'missing';

/** `missing`: no run of `call-<id>` exists (never started, or past the namespace's retention). */
export async function callWorkflowState(client: Client, callId: string): Promise<CallWorkflowState> {
  try {
    return (await client.workflow.getHandle(callWorkflowId(callId)).describe()).status.name === 'RUNNING'
      ? 'running'
      : 'closed';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'missing';
    throw error;
  }
}
