/** A call as the processing pipeline knows it: ids only, never personal data. */
export interface CallRef {
  callId: string;
  userId: string;
}

/**
 * The pipeline could not be reached or did not answer in time (after its
 * client's own retries), so the call's processing may or may not have
 * started. Only these are worth leaving to the unstarted-calls reconciler: it
 * finds out which and starts the processing if it is missing.
 */
export class PipelineUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the pipeline could not be reached to start the call', { cause });
    this.name = 'PipelineUnavailableError';
  }
}

/**
 * What the calls domain needs of the processing pipeline; the pipeline's
 * call and deletion runs implement it (src/pipeline/process-call/call-runs.ts,
 * delete-call/deletion-runs.ts), and the domain never sees Temporal.
 */
export interface PipelinePort {
  /** The id under which the call's pipeline runs, stored on its row for operators. */
  pipelineIdOf(callId: string): string;
  /**
   * Starts the call's processing; already started is success. Throws
   * PipelineUnavailableError when the outcome is unknown, anything else when refused.
   */
  startCall(call: CallRef): Promise<void>;
  /** Starts the durable clean-up of a deleted call; one already running is joined. */
  cleanUpDeletedCall(call: CallRef): Promise<void>;
  /** Re-runs analysis and action items from the stored transcript, and waits for it. */
  reanalyze(call: CallRef): Promise<void>;
}
