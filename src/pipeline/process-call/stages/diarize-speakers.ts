import {
  diarizationAudioKey,
  diarizationRequest,
  retriesDiarization,
  tooLongToDiarize,
} from '../diarization-policy.ts';
import { withLocalCopy } from '../local-audio.ts';
import { isProviderFailure } from '../../provider-ports.ts';
import { recordSkipped, runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../call-runs.ts';
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
export async function diarizeSpeakers(
  deps: StageDeps,
  input: CallWorkflowInput,
  audio: AudioPlan,
): Promise<DiarizationOutcome> {
  const named = deps.settings.providerModes.diarization === 'sandbox' ? 'sandbox' : 'pyannote';
  if (await deps.artifacts.find(input.callId, 'DIARIZATION_JSON')) return { provider: named, stored: true };
  const port = deps.diarization;
  const settings = deps.settings.diarization;
  // A silent recording has no one to find, and pyannoteAI would bill its length all the same.
  if (port && audio.audible === false) {
    await recordSkipped(deps, input, 'DIARIZED', 'no_speech');
    return { provider: 'lemonfox', stored: false };
  }
  if (!port || tooLongToDiarize(audio, settings)) {
    await recordSkipped(deps, input, 'DIARIZED', port ? 'audio_too_long_for_diarization' : 'diarization_disabled');
    return { provider: 'lemonfox', stored: false };
  }
  const call = await deps.calls.facts(input);
  try {
    const raw = await runStage(deps, input, 'DIARIZED', port.provider, async (signal, progress) => {
      const output = await withLocalCopy(deps.storage, diarizationAudioKey(audio), (file) =>
        port.diarize(diarizationRequest(call, audio, file, settings, progress), signal),
      );
      // pyannoteAI bills by the audio's length, which its output does not restate.
      progress.billed({ audioSeconds: audio.durationSeconds ?? call.durationSeconds });
      return output;
    });
    await deps.artifacts.writeJson(input, 'DIARIZATION_JSON', JSON.stringify(raw));
    return { provider: named, stored: true };
  } catch (error) {
    if (!isProviderFailure(error) || retriesDiarization(error, settings)) throw error;
    deps.logger.warn({ callId: input.callId, code: error.code }, 'PYANNOTE_FAILED_FALLBACK');
    return { provider: 'pyannote-fallback', stored: false };
  }
}
