import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  log,
  proxyActivities,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CallStatus } from '../src/calls/call-record.entity.ts';
import type { TerminalStatus } from '../src/calls/call-status.ts';
import type { CallActivities } from '../src/pipeline/process-call/call-activities.ts';
import type { AudioPlan } from '../src/pipeline/process-call/stages/audio-plan.ts';
import type { DiarizationOutcome } from '../src/pipeline/process-call/stages/diarize-speakers.ts';
import type { CallWorkflowInput } from '../src/pipeline/process-call/call-runs.ts';
import type { VoiceMatchResult } from '../src/transcripts/resolve-speakers.ts';
import { CALL_STATUS } from './search-attributes.ts';

/**
 * Activities that may fail the call. Provider 4xx and invalid audio are
 * non-retryable ApplicationFailures raised by the activities themselves;
 * network errors, 429 and 5xx are retried here with backoff.
 */
const HARD_STAGE = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '10 seconds',
  // Deleting a call waits until running activities have really stopped, so
  // nothing is written after the delete has cleaned up.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
} as const;
const hard = proxyActivities<CallActivities>(HARD_STAGE);

/**
 * Preprocessing on the audio queue (audioTaskQueue in src/pipeline/process-call/call-runs.ts),
 * whose worker runs one job per core: a burst queues on the server, in order,
 * instead of holding the pipeline's activity slots while it waits for a core.
 */
function preprocessing(): Pick<CallActivities, 'preprocessAudio'> {
  return proxyActivities<CallActivities>({ ...HARD_STAGE, taskQueue: `${workflowInfo().taskQueue}-audio` });
}

/** Analysis: an LLM that keeps returning invalid output is given three tries. */
const analysis = proxyActivities<CallActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3 },
});

/** Bookkeeping on our own database: quick, and retried until it succeeds. */
const bookkeeping = proxyActivities<CallActivities>({
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
    await markCallStatus(input, 'TRANSCRIBING');
    const audio = await soft(
      'preprocessing',
      () => preprocessing().preprocessAudio(input),
      () => hard.originalAudioPlan(input),
    );
    const diarization = await soft(
      'diarization',
      () => hard.diarizeSpeakers(input, audio),
      async () => DIARIZATION_FALLBACK,
    );
    await hardStage('transcription', () => hard.transcribeAudio(input, audio));
    await transcriptStages(input, audio, diarization);
    await markCallStatus(input, 'ANALYZING');
    await hardStage('analysis', () => analysis.analyzeTranscript(input, { reuseStored: true }));
    await soft(
      'action_items',
      () => hard.persistActionItems(input),
      async () => undefined,
    );
    await indexForSearch(input);
    await finishCall(input, 'COMPLETED', null);
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = errorReasonOf(error);
    log.warn('call failed', { callId: input.callId, reason });
    await finishCall(input, 'FAILED', reason);
  }
}

async function markCallStatus(input: CallWorkflowInput, status: CallStatus): Promise<void> {
  await bookkeeping.markCallStatus(input, status);
  showCallStatus(status);
}

async function finishCall(input: CallWorkflowInput, status: TerminalStatus, errorReason: string | null): Promise<void> {
  await bookkeeping.finishCall(input, status, errorReason);
  showCallStatus(status);
}

/**
 * Keeps the run's CallStatus search attribute at the status the call has
 * reached, so the Temporal UI can list calls by status. Only in a run that
 * was started with one: where the namespace refused to register the
 * attribute the start left it out, and an upsert would fail every workflow
 * task; a run started before calls carried it has no upserts in its history.
 * What the run was started with is in its history, so a replay decides alike.
 */
function showCallStatus(status: CallStatus): void {
  if (workflowInfo().typedSearchAttributes.get(CALL_STATUS) === undefined) return;
  upsertSearchAttributes([{ key: CALL_STATUS, value: status }]);
}

/**
 * The spec's order: aligned and normalized, then the voice match, then the
 * speakers refined with its verdict.
 */
async function transcriptStages(
  input: CallWorkflowInput,
  audio: AudioPlan,
  diarization: DiarizationOutcome,
): Promise<void> {
  const voiceMatchOf = () =>
    soft(
      'voice_match',
      () => hard.matchVoice(input, audio, diarization),
      async () => VOICE_MATCH_SKIPPED,
    );
  await hardStage('normalization', () => hard.normalizeTranscript(input, diarization));
  const voiceMatch = await voiceMatchOf();
  await hardStage('normalization', () => hard.refineSpeakers(input, voiceMatch));
}

/** Re-runs analysis and action items from the stored normalized transcript; no transcription, no diarization. */
export async function reanalyzeCallWorkflow(input: CallWorkflowInput): Promise<void> {
  await analysis.analyzeTranscript(input, { reuseStored: false });
  await hard.persistActionItems(input);
  await indexForSearch(input);
}

/**
 * The call becomes findable before it is COMPLETED, so a client told it is
 * done finds it at once.
 */
async function indexForSearch(input: CallWorkflowInput): Promise<void> {
  await soft(
    'search_index',
    () => hard.indexForSearch(input),
    async () => undefined,
  );
}

// Spelled here, not imported: workflow code imports no runtime code
// (VOICE_MATCH_SKIPPED in src/transcripts is the same value).
const DIARIZATION_FALLBACK: DiarizationOutcome = { provider: 'pyannote-fallback', stored: false };
const VOICE_MATCH_SKIPPED: VoiceMatchResult = {
  status: 'SKIPPED',
  sourceSpeakerId: null,
  score: null,
  confidence: null,
};

/**
 * A soft stage degrades inside its activity; should the activity itself fail
 * (its retries exhausted, a time-out the system caused), the call still goes
 * on with the stage's fallback.
 */
async function soft<T>(stage: string, run: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('soft stage failed; using its fallback', { stage, reason: errorReasonOf(error, stage) });
    return fallback();
  }
}

/** A stage that may fail the call: its failure carries the stage's own reason, a time-out included. */
async function hardStage<T>(stage: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isCancellation(error)) throw error;
    throw new StageFailed(errorReasonOf(error, stage), error);
  }
}

class StageFailed extends Error {
  readonly reason: string;
  constructor(reason: string, cause: unknown) {
    super(reason, { cause });
    this.name = 'StageFailed';
    this.reason = reason;
  }
}

/** The short, opaque code a failed call carries (`transcription_4xx`, `analysis_timeout`, …). */
function errorReasonOf(error: unknown, stage?: string): string {
  if (error instanceof StageFailed) return error.reason;
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type) return cause.type;
  if (cause instanceof TimeoutFailure && stage) return `${stage}_timeout`;
  return stage ? `${stage}_failed` : 'pipeline_error';
}
