import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { preprocessAudio } from '../../../audio/preprocess-audio.ts';
import { probeDurationSeconds } from '../../../audio/probe-audio.ts';
import { hasAudibleSound } from '../../../audio/detect-sound.ts';
import { PREPROCESSED_AUDIO_CONTENT_TYPE, preprocessedAudioKey } from '../../../calls/storage-keys.ts';
import { withLocalCopy } from '../local-audio.ts';
import { recordSkipped, runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../call-runs.ts';
import type { AudioPlan } from './audio-plan.ts';

/**
 * Soft stage: builds the two preprocessed variants next to the raw audio.
 * Any failure (ffmpeg missing, odd audio, timeout) falls back to the original.
 */
export async function preprocessCallAudio(deps: StageDeps, input: CallWorkflowInput): Promise<AudioPlan> {
  const plan = await originalAudioPlan(deps, input);
  const variants = {
    diarization: preprocessedAudioKey(input.userId, input.callId, 'diarization'),
    transcription: preprocessedAudioKey(input.userId, input.callId, 'transcription'),
  };

  return withLocalCopy(deps.storage, plan.originalKey, async (file) => {
    plan.durationSeconds = await probeDurationSeconds(file, deps.settings.ffprobePath).catch(() => null);
    if (plan.durationSeconds !== null) await deps.calls.noteMeasuredDuration(input, plan.durationSeconds);
    const { ffmpegPath, timeoutMs } = deps.settings.preprocessing;
    plan.audible = (await hasAudibleSound(file, ffmpegPath, timeoutMs)) ?? null;
    if (!deps.settings.preprocessing.enabled) {
      await recordSkipped(deps, input, 'AUDIO_PREPROCESSED', 'preprocessing_disabled');
      return plan;
    }
    if ((await deps.storage.exists(variants.diarization)) && (await deps.storage.exists(variants.transcription))) {
      return { ...plan, diarizationKey: variants.diarization, transcriptionKey: variants.transcription };
    }
    try {
      await runStage(deps, input, 'AUDIO_PREPROCESSED', 'ffmpeg', async () => {
        const local = (name: string) => path.join(path.dirname(file), `${name}.flac`);
        const outputs = { diarization: local('diarization'), transcription: local('transcription') };
        await preprocessAudio(file, outputs, deps.settings.preprocessing);
        const contentType = PREPROCESSED_AUDIO_CONTENT_TYPE;
        await deps.storage.put(variants.diarization, await readFile(outputs.diarization), { contentType });
        await deps.storage.put(variants.transcription, await readFile(outputs.transcription), { contentType });
      });
      return { ...plan, diarizationKey: variants.diarization, transcriptionKey: variants.transcription };
    } catch (error) {
      deps.logger.warn({ callId: input.callId, err: error }, 'preprocessing failed; using the original audio');
      return plan;
    }
  });
}

/** The plan with the original audio only: what the stages use when preprocessing did not happen at all. */
export async function originalAudioPlan(deps: StageDeps, input: CallWorkflowInput): Promise<AudioPlan> {
  const original = await deps.artifacts.find(input.callId, 'TEMP_AUDIO');
  if (!original) throw new Error('the call has no stored audio');
  return {
    originalKey: original.storageKey,
    originalContentType: original.contentType,
    diarizationKey: null,
    transcriptionKey: null,
    durationSeconds: null,
  };
}
