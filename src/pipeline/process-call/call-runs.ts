import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { PipelineUnavailableError, type CallRef, type PipelinePort } from '../../calls/pipeline-port.ts';
import { isTransientTemporalError } from '../../errors/transient-temporal-error.ts';
import type { WorkflowSearchAttributes } from '../runtime/search-attributes.ts';

/** Deterministic ids: starting an already-started call workflow is a no-op, not a duplicate. */
export const callWorkflowId = (callId: string) => `call-${callId}`;
/** One reanalysis of a call at a time: a concurrent request joins the run in flight. */
export const reanalysisWorkflowId = (callId: string) => `reanalyze-${callId}`;

/**
 * The queue of the CPU-bound activities (ffprobe/ffmpeg): its own worker runs
 * only as many at once as there are cores, so the pipeline queue's slots stay
 * free for provider calls. workflows/process-call-workflow.ts spells the same
 * suffix (workflow code imports no runtime code).
 */
export const audioTaskQueue = (taskQueue: string) => `${taskQueue}-audio`;

/** The call's workflow types, as `workflows/index.ts` registers them (workflows/process-call-workflow.ts). */
export const CALL_WORKFLOW_TYPES = {
  processCall: 'processCallWorkflow',
  reanalyzeCall: 'reanalyzeCallWorkflow',
} as const;

/** What a call workflow is started with: ids only, never personal data. */
export type CallWorkflowInput = CallRef;

const NEVER_RAN_HISTORY_LENGTH = 2;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The calls domain's way to a call's processing and its reanalyses (its clean-up: delete-call/deletion-runs.ts). */
export function createCallRuns(
  client: Client,
  taskQueue: string,
  searchAttributes: WorkflowSearchAttributes,
): Omit<PipelinePort, 'cleanUpDeletedCall'> {
  return {
    pipelineIdOf: callWorkflowId,

    async startCall(input) {
      try {
        await startCallWorkflow(client, taskQueue, searchAttributes, input);
      } catch (error) {
        throw isTransientTemporalError(error) ? new PipelineUnavailableError(error) : error;
      }
    },

    async reanalyze(input) {
      await client.workflow.execute(CALL_WORKFLOW_TYPES.reanalyzeCall, {
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
    await client.workflow.start(CALL_WORKFLOW_TYPES.processCall, {
      ...ofCall(callWorkflowId(input.callId), taskQueue, input),
      // Started QUEUED, the status the call's row has; the workflow moves it on.
      typedSearchAttributes: searchAttributes({ kind: 'call', callId: input.callId, callStatus: 'QUEUED' }),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** A workflow about one call: the call as its argument, and its ids in the memo the Temporal UI shows. */
export function ofCall(workflowId: string, taskQueue: string, input: CallWorkflowInput) {
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
