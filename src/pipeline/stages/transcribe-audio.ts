import { artifactKey } from '../../calls/storage-keys.ts';
import { withLocalCopy } from '../local-audio.ts';
import { runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../workflow-ids.ts';
import type { AudioPlan } from './audio-plan.ts';

/**
 * Hard stage: Lemonfox transcription, stored verbatim as RAW_TRANSCRIPT_JSON.
 * A stored transcript is reused, so a retried or replayed stage never pays
 * twice; failures surface as provider failures (retried or fatal by kind).
 */
export async function transcribeAudio(deps: StageDeps, input: CallWorkflowInput, audio: AudioPlan): Promise<void> {
  if (await deps.artifacts.find(input.callId, 'RAW_TRANSCRIPT_JSON')) return;
  const key = audio.transcriptionKey ?? audio.originalKey;
  const contentType = audio.transcriptionKey ? 'audio/wav' : audio.originalContentType;
  const raw = await runStage(deps, input, 'TRANSCRIBED', deps.transcription.provider, async (signal, progress) => {
    const transcript = await withLocalCopy(deps.storage, key, (file) => deps.transcription.transcribe({ path: file, contentType, filename: `audio.${extensionOf(key)}` }, signal));
    progress.billed({ audioSeconds: transcribedSeconds(transcript) ?? audio.durationSeconds });
    return transcript;
  });
  await deps.artifacts.write(input.callId, 'RAW_TRANSCRIPT_JSON', artifactKey(input.userId, input.callId, 'RAW_TRANSCRIPT_JSON'), raw, 'application/json');
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
