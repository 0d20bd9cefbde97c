/** Deterministic ids: starting an already-started call workflow is a no-op, not a duplicate. */
export const callWorkflowId = (callId: string) => `call-${callId}`;
export const reanalysisWorkflowId = (callId: string, requestId: string) => `reanalyze-${callId}-${requestId}`;

/** Workflow type names as registered by `workflows/index.ts`. */
export const WORKFLOW_TYPES = {
  processCall: 'processCallWorkflow',
  reanalyzeCall: 'reanalyzeCallWorkflow',
} as const;

/** What a call workflow is started with: ids only, never personal data. */
export interface CallWorkflowInput {
  callId: string;
  userId: string;
}
