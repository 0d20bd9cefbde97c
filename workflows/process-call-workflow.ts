import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  log,
  proxyActivities,
} from '@temporalio/workflow';
import type { PipelineActivities } from '../src/pipeline/activities.ts';
import type { CallWorkflowInput } from '../src/pipeline/workflow-ids.ts';

/**
 * Activities that may fail the call. Provider 4xx and invalid audio are
 * non-retryable ApplicationFailures raised by the activities themselves;
 * network errors, 429 and 5xx are retried here with backoff.
 */
const hard = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '10 seconds',
  // Deleting a call waits until running activities have really stopped, so
  // nothing is written after the delete has cleaned up.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

/** Analysis: an LLM that keeps returning invalid output is given three tries. */
const analysis = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
});

/** Bookkeeping on our own database: quick, and retried until it succeeds. */
const bookkeeping = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
});

/**
 * One recording, end to end: QUEUED → TRANSCRIBING → ANALYZING → COMPLETED,
 * or FAILED with a short errorReason. Soft stages (preprocessing,
 * diarization, voice match, action items) degrade inside their activities
 * and never fail the call. History carries ids and storage keys only.
 */
export async function processCallWorkflow(input: CallWorkflowInput): Promise<void> {
  try {
    await bookkeeping.markCallStatus(input, 'TRANSCRIBING');
    const audio = await hard.preprocessAudio(input);
    const diarization = await hard.diarizeSpeakers(input, audio);
    await hard.transcribeAudio(input, audio);
    const voiceMatch = await hard.matchVoice(input, audio, diarization);
    await hard.buildTranscript(input, diarization, voiceMatch);
    await bookkeeping.markCallStatus(input, 'ANALYZING');
    await analysis.analyzeTranscript(input, { reuseStored: true });
    await hard.persistActionItems(input);
    await bookkeeping.finishCall(input, 'COMPLETED', null);
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = errorReasonOf(error);
    log.warn('call failed', { callId: input.callId, reason });
    await bookkeeping.finishCall(input, 'FAILED', reason);
  }
}

/** Re-runs analysis and action items from the stored normalized transcript; no transcription, no diarization. */
export async function reanalyzeCallWorkflow(input: CallWorkflowInput): Promise<void> {
  await analysis.analyzeTranscript(input, { reuseStored: false });
  await hard.persistActionItems(input);
}

/** The short, opaque code a failed call carries (`transcription_4xx`, `analysis_invalid_output`, …). */
function errorReasonOf(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type) return cause.type;
  return 'pipeline_error';
}
