import { Context } from '@temporalio/activity';
import { artifactKey } from '../../storage/storage-keys.ts';
import { withLocalCopy } from '../local-audio.ts';
import { isProviderFailure } from '../provider-ports.ts';
import { loadCallFacts, recordSkipped, runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../workflow-ids.ts';
import type { AudioPlan } from './audio-plan.ts';

/** Which diarization the transcript will be aligned to, as named in `pipeline` provenance. */
export interface DiarizationOutcome {
  provider: 'pyannote' | 'pyannote-fallback' | 'lemonfox' | 'sandbox';
  stored: boolean;
}

/**
 * Soft stage: pyannoteAI diarization, stored verbatim as DIARIZATION_JSON.
 * A stored result is reused (never paid twice). Transient provider errors are
 * retried a few times; after that, or on a 4xx, the transcript falls back to
 * Lemonfox's own speaker labels and the call carries on.
 */
export async function diarizeSpeakers(deps: StageDeps, input: CallWorkflowInput, audio: AudioPlan): Promise<DiarizationOutcome> {
  const named = deps.settings.providerMode === 'sandbox' ? 'sandbox' : 'pyannote';
  if (await deps.artifacts.find(input.callId, 'DIARIZATION_JSON')) return { provider: named, stored: true };
  if (!deps.diarization) {
    await recordSkipped(deps, input, 'DIARIZED', 'diarization_disabled');
    return { provider: 'lemonfox', stored: false };
  }
  const maxSeconds = deps.settings.diarization.maxAudioMinutes * 60;
  if (audio.durationSeconds !== null && audio.durationSeconds > maxSeconds) {
    await recordSkipped(deps, input, 'DIARIZED', 'audio_too_long_for_diarization');
    return { provider: 'lemonfox', stored: false };
  }
  const call = await loadCallFacts(deps.fork(), input);
  const knownDirection = call.direction === 'INCOMING' || call.direction === 'OUTGOING';
  const maxSpeakers = knownDirection && deps.settings.diarization.hintTwoSpeakers ? 2 : undefined;
  const key = audio.diarizationKey ?? audio.originalKey;
  try {
    const raw = await runStage(deps, input, 'DIARIZED', deps.diarization.provider, (signal, progress) =>
      withLocalCopy(deps.storage, key, (file) =>
        deps.diarization!.diarize(
          {
            mediaKey: `media://scryon-${input.callId}`,
            audio: { path: file, contentType: audio.diarizationKey ? 'audio/wav' : audio.originalContentType, filename: 'audio' },
            maxSpeakers,
            // A job is paid for when it is created: a retry after a crash polls the one already running.
            resumeJobId: typeof progress.resumed?.pyannoteJobId === 'string' ? progress.resumed.pyannoteJobId : undefined,
            onJobCreated: (jobId) => progress.record({ pyannoteJobId: jobId }),
          },
          signal,
        ),
      ),
    );
    await deps.artifacts.write(input.callId, 'DIARIZATION_JSON', artifactKey(input.userId, input.callId, 'DIARIZATION_JSON'), JSON.stringify(raw), 'application/json');
    return { provider: named, stored: true };
  } catch (error) {
    if (isProviderFailure(error) && error.kind === 'transient' && attempt() <= deps.settings.diarization.maxRetries) throw error;
    if (!isProviderFailure(error)) throw error;
    deps.logger.warn({ callId: input.callId, code: error.code }, 'PYANNOTE_FAILED_FALLBACK');
    return { provider: 'pyannote-fallback', stored: false };
  }
}

function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
