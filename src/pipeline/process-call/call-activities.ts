import { guardActivity } from '../activity-guard.ts';
import type { CallStatus } from '../../calls/call-record.entity.ts';
import type { TerminalStatus } from '../../calls/call-status.ts';
import type { VoiceMatchResult } from '../../transcripts/resolve-speakers.ts';
import type { StageDeps } from './stage-context.ts';
import type { AudioPlan } from './stages/audio-plan.ts';
import { analyzeTranscript } from './stages/analyze-transcript.ts';
import { alignAndNormalizeTranscript } from './stages/align-and-normalize.ts';
import { refineSpeakers } from './stages/refine-speakers.ts';
import { diarizeSpeakers, type DiarizationOutcome } from './stages/diarize-speakers.ts';
import { finishCall, markCallStatus } from './stages/finish-call.ts';
import { matchVoice } from './stages/match-voice.ts';
import { persistActionItems } from './stages/persist-action-items.ts';
import { indexForSearch } from './stages/index-for-search.ts';
import { originalAudioPlan, preprocessCallAudio } from './stages/preprocess-call-audio.ts';
import { transcribeAudio } from './stages/transcribe-audio.ts';
import type { CallWorkflowInput } from './call-runs.ts';

/**
 * The activities of a call's processing and its reanalyses
 * (workflows/process-call-workflow.ts), built from their dependencies so
 * tests replace only the outside world. Every stage error leaves here as an
 * ApplicationFailure whose type is the call's short errorReason.
 */
export function createCallActivities(deps: StageDeps) {
  return {
    markCallStatus: guardActivity('pipeline_error', (input: CallWorkflowInput, status: CallStatus) =>
      markCallStatus(deps, input, status),
    ),
    preprocessAudio: guardActivity('audio_unavailable', (input: CallWorkflowInput) => preprocessCallAudio(deps, input)),
    originalAudioPlan: guardActivity('audio_unavailable', (input: CallWorkflowInput) => originalAudioPlan(deps, input)),
    diarizeSpeakers: guardActivity('diarization_failed', (input: CallWorkflowInput, audio: AudioPlan) =>
      diarizeSpeakers(deps, input, audio),
    ),
    transcribeAudio: guardActivity('transcription_failed', (input: CallWorkflowInput, audio: AudioPlan) =>
      transcribeAudio(deps, input, audio),
    ),
    matchVoice: guardActivity(
      'voice_match_failed',
      (input: CallWorkflowInput, audio: AudioPlan, diarization: DiarizationOutcome) =>
        matchVoice(deps, input, audio, diarization),
    ),
    normalizeTranscript: guardActivity(
      'normalization_failed',
      (input: CallWorkflowInput, diarization: DiarizationOutcome) =>
        alignAndNormalizeTranscript(deps, input, diarization),
    ),
    refineSpeakers: guardActivity('normalization_failed', (input: CallWorkflowInput, voiceMatch: VoiceMatchResult) =>
      refineSpeakers(deps, input, voiceMatch),
    ),
    analyzeTranscript: guardActivity('analysis_failed', (input: CallWorkflowInput, options: { reuseStored: boolean }) =>
      analyzeTranscript(deps, input, options),
    ),
    persistActionItems: guardActivity('action_items_failed', (input: CallWorkflowInput) =>
      persistActionItems(deps, input),
    ),
    indexForSearch: guardActivity('search_index_failed', (input: CallWorkflowInput) => indexForSearch(deps, input)),
    finishCall: guardActivity(
      'pipeline_error',
      (input: CallWorkflowInput, status: TerminalStatus, errorReason: string | null) =>
        finishCall(deps, input, status, errorReason),
    ),
  };
}

export type CallActivities = ReturnType<typeof createCallActivities>;
