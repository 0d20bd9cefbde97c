import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { callWorkflowId, reanalysisWorkflowId, WORKFLOW_TYPES, type CallWorkflowInput } from './workflow-ids.ts';

/** How the API side drives the pipeline; the Temporal client stays behind it. */
export interface PipelineGateway {
  startCall(input: CallWorkflowInput): Promise<void>;
  /** Cancels the call's workflow and waits until it has stopped; a missing or closed one is fine. */
  cancelCall(callId: string): Promise<void>;
  /** Re-runs analysis and action items from the stored transcript, and waits for it. */
  reanalyze(input: CallWorkflowInput): Promise<void>;
}

const NEVER_RAN_HISTORY_LENGTH = 2;
const settled = () => true;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createPipelineGateway(client: Client, taskQueue: string, cancelGraceMs = 30_000): PipelineGateway {
  return {
    async startCall(input) {
      try {
        await client.workflow.start(WORKFLOW_TYPES.processCall, {
          workflowId: callWorkflowId(input.callId),
          taskQueue,
          args: [input],
          memo: { callId: input.callId, userId: input.userId },
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },

    async cancelCall(callId) {
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
        // The workflow waits for its activities to stop; a worker that is gone
        // would make that wait forever, so it is bounded and then forced.
        const stopped = await Promise.race([handle.result().then(settled, settled), delay(cancelGraceMs).then(() => false)]);
        if (!stopped) await handle.terminate('call deleted; cancellation not acknowledged in time');
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },

    async reanalyze(input) {
      await client.workflow.execute(WORKFLOW_TYPES.reanalyzeCall, {
        workflowId: reanalysisWorkflowId(input.callId),
        workflowIdConflictPolicy: 'USE_EXISTING',
        taskQueue,
        args: [input],
        memo: { callId: input.callId, userId: input.userId },
      });
    },
  };
}

export async function isCallWorkflowRunning(client: Client, callId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(callWorkflowId(callId)).describe()).status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
