import { Context } from '@temporalio/activity';
import type { DiarizationRequest, ProviderFailure } from '../provider-ports.ts';
import type { CallFacts } from '../../calls/call-lifecycle.ts';
import { PREPROCESSED_AUDIO_CONTENT_TYPE } from '../../calls/storage-keys.ts';
import type { PipelineSettings, StageProgress } from './stage-context.ts';
import type { AudioPlan } from './stages/audio-plan.ts';

type DiarizationSettings = PipelineSettings['diarization'];

/** Long calls fall back to Lemonfox's labels instead of paying for a pyannote job. */
export function tooLongToDiarize(audio: AudioPlan, settings: DiarizationSettings): boolean {
  return audio.durationSeconds !== null && audio.durationSeconds > settings.maxAudioMinutes * 60;
}

/** The preprocessed mono variant when there is one, else the original upload. */
export function diarizationAudioKey(audio: AudioPlan): string {
  return audio.diarizationKey ?? audio.originalKey;
}

/** How the audio diarizationAudioKey names is sent: FLAC for a preprocessed variant, else the upload's own type. */
export function diarizationAudioContentType(audio: AudioPlan): string {
  return audio.diarizationKey ? PREPROCESSED_AUDIO_CONTENT_TYPE : audio.originalContentType;
}

/** What pyannote is asked for one call, with `file` the local copy of `diarizationAudioKey(audio)`. */
export function diarizationRequest(
  call: Pick<CallFacts, 'callId' | 'direction'>,
  audio: AudioPlan,
  file: string,
  settings: DiarizationSettings,
  progress: StageProgress,
): DiarizationRequest {
  const knownDirection = call.direction === 'INCOMING' || call.direction === 'OUTGOING';
  return {
    mediaKey: `media://scryon-${call.callId}`,
    audio: {
      path: file,
      contentType: diarizationAudioContentType(audio),
      filename: 'audio',
      durationSeconds: audio.durationSeconds,
    },
    maxSpeakers: knownDirection && settings.hintTwoSpeakers ? 2 : undefined,
    // A job is paid for when it is created: a retry after a crash polls the one already running.
    resumeJobId: typeof progress.resumed?.pyannoteJobId === 'string' ? progress.resumed.pyannoteJobId : undefined,
    onJobCreated: (jobId) => progress.record({ pyannoteJobId: jobId }),
  };
}

/**
 * Transient failures are left to Temporal for the first `maxRetries` attempts;
 * after that, or on a permanent failure, the call carries on without pyannote.
 */
export function retriesDiarization(failure: ProviderFailure, settings: DiarizationSettings): boolean {
  return failure.kind === 'transient' && attempt() <= settings.maxRetries;
}

function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
