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
  const raw = await runStage(deps, input, 'TRANSCRIBED', deps.transcription.provider, (signal) =>
    withLocalCopy(deps.storage, key, (file) => deps.transcription.transcribe({ path: file, contentType, filename: `audio.${extensionOf(key)}` }, signal)),
  );
  await deps.artifacts.write(input.callId, 'RAW_TRANSCRIPT_JSON', artifactKey(input.userId, input.callId, 'RAW_TRANSCRIPT_JSON'), raw, 'application/json');
}

function extensionOf(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1);
}
