import type { CallRef } from '../calls/pipeline-port.ts';

/** Deterministic ids: starting an already-started call workflow is a no-op, not a duplicate. */
export const callWorkflowId = (callId: string) => `call-${callId}`;
/** One reanalysis of a call at a time: a concurrent request joins the run in flight. */
export const reanalysisWorkflowId = (callId: string) => `reanalyze-${callId}`;
/** A deleted call's clean-up: a second delete request, or the sweep, joins the one in flight. */
export const callDeletionWorkflowId = (callId: string) => `delete-call-${callId}`;

/**
 * The queue of the CPU-bound activities (ffprobe/ffmpeg): its own worker runs
 * only as many at once as there are cores, so the pipeline queue's slots stay
 * free for provider calls. workflows/process-call-workflow.ts spells the same
 * suffix (workflow code imports no runtime code).
 */
export const audioTaskQueue = (taskQueue: string) => `${taskQueue}-audio`;

/** Workflow type names as registered by `workflows/index.ts`. */
export const WORKFLOW_TYPES = {
  processCall: 'processCallWorkflow',
  reanalyzeCall: 'reanalyzeCallWorkflow',
  deleteCall: 'deleteCallWorkflow',
} as const;

/** What a call workflow is started with: ids only, never personal data. */
export type CallWorkflowInput = CallRef;
