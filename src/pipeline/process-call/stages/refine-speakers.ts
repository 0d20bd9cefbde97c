import { relabelTranscript } from '../../../transcripts/build-transcript.ts';
import type { TranscriptDocument } from '../../../transcripts/transcript-document.ts';
import type { VoiceMatchResult } from '../../../transcripts/voice-match-result.ts';
import { runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../call-runs.ts';
import { failsTheCall } from './align-and-normalize.ts';

/**
 * Hard stage SPEAKER_REFINED: the normalized transcript's speakers resolved
 * again with the voice verdict and the call's latest facts; segments and
 * times stay as normalized.
 */
export async function refineSpeakers(
  deps: StageDeps,
  input: CallWorkflowInput,
  voiceMatch: VoiceMatchResult,
): Promise<void> {
  const call = await deps.calls.facts(input);
  const normalized = await deps.artifacts.readJson<TranscriptDocument>(input.callId, 'NORMALIZED_TRANSCRIPT_JSON');
  if (!normalized) throw new Error('the call has no normalized transcript to refine');
  const document = await runStage(deps, input, 'SPEAKER_REFINED', null, async () =>
    failsTheCall(() => relabelTranscript(normalized, { context: call, voiceMatch })),
  );
  await deps.artifacts.writeJson(input, 'NORMALIZED_TRANSCRIPT_JSON', JSON.stringify(document));
}
