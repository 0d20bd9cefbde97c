import { Context } from '@temporalio/activity';
import type { CallStatus } from '../calls/call-record.entity.ts';
import type { TerminalStatus } from '../calls/call-status.ts';
import type { VoiceMatchResult } from '../transcripts/resolve-speakers.ts';
import { toActivityFailure } from './activity-failures.ts';
import { heartbeatThroughout, type StageDeps } from './stage-context.ts';
import type { AudioPlan } from './stages/audio-plan.ts';
import { analyzeTranscript } from './stages/analyze-transcript.ts';
import { normalizeTranscript } from './stages/normalize-transcript.ts';
import { refineSpeakers } from './stages/refine-speakers.ts';
import { diarizeSpeakers, type DiarizationOutcome } from './stages/diarize-speakers.ts';
import { finishCall, markCallStatus } from './stages/finish-call.ts';
import { matchVoice } from './stages/match-voice.ts';
import { persistActionItems } from './stages/persist-action-items.ts';
import { indexForSearch } from './stages/index-for-search.ts';
import { originalAudioPlan, preprocessCallAudio } from './stages/preprocess-call-audio.ts';
import { transcribeAudio } from './stages/transcribe-audio.ts';
import type { CallRef } from '../calls/pipeline-port.ts';
import { deleteCallObjects, forgetCallDeletion } from '../calls/delete-calls.ts';
import {
  callWorkflowState,
  startCallDeletionWorkflow,
  startCallWorkflow,
  stopCallWorkflow,
} from './pipeline-gateway.ts';
import {
  sweepExpiredAudio,
  sweepExpiredChanges,
  sweepExpiredIdempotencyKeys,
  sweepExpiredWebhookDeliveries,
  sweepOrphanedObjects,
  sweepPendingDeletions,
  sweepStalledCalls,
  sweepUnstartedCalls,
  type CallSweepDeps,
  type SweepDeps,
} from './sweepers.ts';
import type { WorkflowSearchAttributes } from './runtime/search-attributes.ts';
import type { SweepKind } from './sweep-schedules.ts';
import type { CallWorkflowInput } from './workflow-ids.ts';
import { createDeliveryActivities, type DeliveryDeps } from '../webhooks/deliver-webhook.ts';

/** Cancelled activities of a deleted call get this long to stop before its run is terminated. */
const CANCELLATION_GRACE_MS = 30_000;

/** The sweeps' dependencies, and the search attributes the workflows the call sweeps start carry. */
export type SweepActivityDeps = SweepDeps & { searchAttributes: WorkflowSearchAttributes };

/**
 * The call sweeps' view of Temporal, from the running activity: its worker's
 * client, and its own task queue, which is the pipeline's (the sweep
 * schedules start their workflows there).
 */
function callSweepDeps(sweeps: SweepActivityDeps): CallSweepDeps {
  const context = Context.current();
  return {
    ...sweeps,
    workflowState: (callId) => callWorkflowState(context.client, callId),
    startCall: (input) => startCallWorkflow(context.client, context.info.taskQueue, sweeps.searchAttributes, input),
    cleanUpDeletedCall: (input) =>
      startCallDeletionWorkflow(context.client, context.info.taskQueue, sweeps.searchAttributes, input),
    heartbeat: () => context.heartbeat(),
  };
}

function cancellationOf(): unknown {
  try {
    const signal = Context.current().cancellationSignal;
    return signal.aborted ? signal.reason : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pipeline's activities, built from their dependencies so tests replace
 * only the outside world. Every stage error leaves here as an
 * ApplicationFailure whose type is the call's short errorReason.
 */
export function createActivities(deps: StageDeps, sweeps: SweepActivityDeps, webhooks: DeliveryDeps) {
  const delivery = createDeliveryActivities(webhooks);
  const guarded =
    <A extends unknown[], R>(fallbackCode: string, stage: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await heartbeatThroughout(() => stage(...args));
      } catch (error) {
        // A cancelled stage (its call was deleted) leaves as a cancellation, not as a stage failure to retry.
        throw cancellationOf() ?? toActivityFailure(error, fallbackCode);
      }
    };

  return {
    markCallStatus: guarded('pipeline_error', (input: CallWorkflowInput, status: CallStatus) =>
      markCallStatus(deps, input, status),
    ),
    preprocessAudio: guarded('audio_unavailable', (input: CallWorkflowInput) => preprocessCallAudio(deps, input)),
    originalAudioPlan: guarded('audio_unavailable', (input: CallWorkflowInput) => originalAudioPlan(deps, input)),
    diarizeSpeakers: guarded('diarization_failed', (input: CallWorkflowInput, audio: AudioPlan) =>
      diarizeSpeakers(deps, input, audio),
    ),
    transcribeAudio: guarded('transcription_failed', (input: CallWorkflowInput, audio: AudioPlan) =>
      transcribeAudio(deps, input, audio),
    ),
    matchVoice: guarded(
      'voice_match_failed',
      (input: CallWorkflowInput, audio: AudioPlan, diarization: DiarizationOutcome) =>
        matchVoice(deps, input, audio, diarization),
    ),
    normalizeTranscript: guarded('normalization_failed', (input: CallWorkflowInput, diarization: DiarizationOutcome) =>
      normalizeTranscript(deps, input, diarization),
    ),
    refineSpeakers: guarded('normalization_failed', (input: CallWorkflowInput, voiceMatch: VoiceMatchResult) =>
      refineSpeakers(deps, input, voiceMatch),
    ),
    analyzeTranscript: guarded('analysis_failed', (input: CallWorkflowInput, options: { reuseStored: boolean }) =>
      analyzeTranscript(deps, input, options),
    ),
    persistActionItems: guarded('action_items_failed', (input: CallWorkflowInput) => persistActionItems(deps, input)),
    indexForSearch: guarded('search_index_failed', (input: CallWorkflowInput) => indexForSearch(deps, input)),
    sweep: guarded('sweep_failed', async (kind: SweepKind) => {
      if (kind === 'expired_audio') return sweepExpiredAudio(sweeps);
      if (kind === 'orphaned_objects') return sweepOrphanedObjects(sweeps);
      if (kind === 'expired_idempotency_keys') return sweepExpiredIdempotencyKeys(sweeps);
      if (kind === 'expired_changes') return sweepExpiredChanges(sweeps);
      if (kind === 'expired_webhook_deliveries') return sweepExpiredWebhookDeliveries(sweeps);
      if (kind === 'unstarted_calls') return sweepUnstartedCalls(callSweepDeps(sweeps));
      if (kind === 'pending_deletions') return sweepPendingDeletions(callSweepDeps(sweeps));
      return sweepStalledCalls(callSweepDeps(sweeps));
    }),
    stopCallProcessing: guarded('delete_failed', async (callId: string) => {
      const context = Context.current();
      await stopCallWorkflow(context.client, callId, {
        graceMs: CANCELLATION_GRACE_MS,
        heartbeat: () => context.heartbeat(),
      });
    }),
    deleteCallObjects: guarded('delete_failed', (call: CallRef) => deleteCallObjects(deps.storage, call)),
    forgetCallDeletion: guarded('delete_failed', (callId: string) => forgetCallDeletion(sweeps.fork(), callId)),
    /** The webhook delivery's (src/webhooks/deliver-webhook.ts), under the same guard as every activity. */
    attemptWebhookDelivery: guarded('webhook_delivery_failed', delivery.attemptWebhookDelivery),
    finishCall: guarded(
      'pipeline_error',
      (input: CallWorkflowInput, status: TerminalStatus, errorReason: string | null) =>
        finishCall(deps, input, status, errorReason),
    ),
  };
}

export type PipelineActivities = ReturnType<typeof createActivities>;
