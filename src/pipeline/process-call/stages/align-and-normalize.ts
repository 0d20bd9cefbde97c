import { ApplicationFailure } from '@temporalio/activity';
import { alignCallTranscript, normalizeCallTranscript } from '../../../transcripts/build-transcript.ts';
import { VOICE_MATCH_SKIPPED } from '../../../transcripts/voice-match-result.ts';
import { runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../call-runs.ts';
import type { DiarizationOutcome } from './diarize-speakers.ts';

/**
 * Hard stages TRANSCRIPT_ALIGNED then TRANSCRIPT_NORMALIZED, once each, from
 * the stored provider outputs into NORMALIZED_TRANSCRIPT_JSON, its speakers
 * resolved from what is known before the voice match (SPEAKER_REFINED adds
 * the verdict). Deterministic, so a retry simply rebuilds.
 */
export async function alignAndNormalizeTranscript(
  deps: StageDeps,
  input: CallWorkflowInput,
  diarization: DiarizationOutcome,
): Promise<void> {
  const call = await deps.calls.facts(input);
  const raw = await deps.artifacts.readJson<unknown>(input.callId, 'RAW_TRANSCRIPT_JSON');
  const diarizationJson = diarization.stored
    ? await deps.artifacts.readJson<unknown>(input.callId, 'DIARIZATION_JSON')
    : null;
  const aligned = await runStage(deps, input, 'TRANSCRIPT_ALIGNED', null, async () =>
    failsTheCall(() => alignCallTranscript(raw, diarizationJson ?? null)),
  );
  const document = await runStage(deps, input, 'TRANSCRIPT_NORMALIZED', null, async () =>
    failsTheCall(() =>
      normalizeCallTranscript(aligned, {
        callId: input.callId,
        diarizationProvider: diarizationJson
          ? diarization.provider
          : diarization.provider === 'pyannote-fallback'
            ? 'pyannote-fallback'
            : 'lemonfox',
        context: call,
        // The voice match comes after, and refineSpeakers applies its verdict.
        voiceMatch: VOICE_MATCH_SKIPPED,
        provenance: {
          transcriptionProvider:
            deps.settings.providerModes.transcription === 'sandbox' ? 'sandbox' : deps.transcription.provider,
          transcriptionModel: deps.transcription.model,
          diarizationModel: diarizationJson ? (deps.diarization?.model ?? null) : null,
        },
        createdAt: new Date(),
      }),
    ),
  );
  await deps.artifacts.writeJson(input, 'NORMALIZED_TRANSCRIPT_JSON', JSON.stringify(document));
}

/** A transcript that cannot be built fails the call: no retry reads the same outputs differently. */
export function failsTheCall<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    throw ApplicationFailure.nonRetryable(
      error instanceof Error ? error.message : 'transcript could not be built',
      'normalization_failed',
    );
  }
}
