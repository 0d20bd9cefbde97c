import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { callWorkflowId, reanalysisWorkflowId, WORKFLOW_TYPES, type CallWorkflowInput } from './workflow-ids.ts';

/** How the API side drives the pipeline; the Temporal client stays behind it. */
export interface PipelineGateway {
  startCall(input: CallWorkflowInput): Promise<void>;
  /** Cancels the call's workflow and waits until it has stopped; a missing or closed one is fine. */
  cancelCall(callId: string): Promise<void>;
  /** Re-runs analysis and action items from the stored transcript, and waits for it. */
  reanalyze(input: CallWorkflowInput, requestId: string): Promise<void>;
}

export function createPipelineGateway(client: Client, taskQueue: string): PipelineGateway {
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
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') return;
        await handle.cancel();
        await handle.result().catch(() => undefined);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    },

    async reanalyze(input, requestId) {
      await client.workflow.execute(WORKFLOW_TYPES.reanalyzeCall, {
        workflowId: reanalysisWorkflowId(input.callId, requestId),
        taskQueue,
        args: [input],
        memo: { callId: input.callId, userId: input.userId },
      });
    },
  };
}
