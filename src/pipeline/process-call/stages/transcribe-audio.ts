import { hasAudibleSound } from '../../../audio/detect-sound.ts';
import { PREPROCESSED_AUDIO_CONTENT_TYPE } from '../../../calls/storage-keys.ts';
import { withLocalCopy } from '../local-audio.ts';
import { recordSkipped, runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../call-runs.ts';
import type { AudioPlan } from './audio-plan.ts';

/**
 * Hard stage: Lemonfox transcription, stored verbatim as RAW_TRANSCRIPT_JSON.
 * A stored transcript is reused, so a retried or replayed stage never pays
 * twice; failures surface as provider failures (retried or fatal by kind).
 * A silent recording is not sent at all: its transcript is empty, as a
 * provider that heard nothing would answer (decision in docs/decisions.md).
 */
export async function transcribeAudio(deps: StageDeps, input: CallWorkflowInput, audio: AudioPlan): Promise<void> {
  if (await deps.artifacts.find(input.callId, 'RAW_TRANSCRIPT_JSON')) return;
  const silent = await isSilent(deps, audio);
  const raw = silent ? await silentTranscript(deps, input, audio) : await transcribe(deps, input, audio);
  await deps.artifacts.writeJson(input, 'RAW_TRANSCRIPT_JSON', raw);
  // Without ffprobe nothing measured the recording before; the provider's heard length is the next best.
  const heard = transcribedSeconds(raw);
  if (heard !== undefined) await deps.calls.noteMeasuredDuration(input, heard);
}

async function transcribe(deps: StageDeps, input: CallWorkflowInput, audio: AudioPlan): Promise<string> {
  const key = audio.transcriptionKey ?? audio.originalKey;
  const contentType = audio.transcriptionKey ? PREPROCESSED_AUDIO_CONTENT_TYPE : audio.originalContentType;
  const call = await deps.calls.facts(input);
  const hints = { userName: call.userDisplayName, contactName: call.contactName };
  return runStage(deps, input, 'TRANSCRIBED', deps.transcription.provider, async (signal, progress) => {
    const file = { contentType, filename: `audio.${extensionOf(key)}` };
    const transcribe = (path: string) => deps.transcription.transcribe({ ...file, path }, signal, hints);
    const transcript = await withLocalCopy(deps.storage, key, transcribe);
    progress.billed({ audioSeconds: transcribedSeconds(transcript) ?? audio.durationSeconds });
    return transcript;
  });
}

/** Measured by preprocessing, else here on the original (the variants are loudness-normalised). */
async function isSilent(deps: StageDeps, audio: AudioPlan): Promise<boolean> {
  if (audio.audible !== undefined && audio.audible !== null) return !audio.audible;
  const { ffmpegPath, timeoutMs } = deps.settings.preprocessing;
  const measure = (file: string) => hasAudibleSound(file, ffmpegPath, timeoutMs);
  const audible = await withLocalCopy(deps.storage, audio.originalKey, measure);
  return audible === false;
}

/** What a provider answers for audio without speech, in its own verbose_json shape; nothing is billed. */
async function silentTranscript(deps: StageDeps, input: CallWorkflowInput, audio: AudioPlan): Promise<string> {
  await recordSkipped(deps, input, 'TRANSCRIBED', 'no_speech');
  const duration = audio.durationSeconds ?? 0;
  return JSON.stringify({ task: 'transcribe', language: null, duration, text: '', segments: [], words: [] });
}

/** Lemonfox bills the audio it heard, which its verbose JSON states as `duration`. */
function transcribedSeconds(raw: string): number | undefined {
  try {
    const { duration } = JSON.parse(raw) as { duration?: unknown };
    return typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? duration : undefined;
  } catch {
    return undefined;
  }
}

function extensionOf(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1);
}
