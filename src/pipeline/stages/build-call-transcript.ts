import { ApplicationFailure } from '@temporalio/activity';
import { buildTranscript, prepareTranscript } from '../../transcripts/build-transcript.ts';
import type { VoiceMatchResult } from '../../transcripts/resolve-speakers.ts';
import { artifactKey } from '../../storage/storage-keys.ts';
import { recordStageEvent } from '../processing-events.ts';
import { loadCallFacts, runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../workflow-ids.ts';
import type { DiarizationOutcome } from './diarize-speakers.ts';

/**
 * Align → normalize → resolve speakers, deterministic and free of providers,
 * from the stored raw outputs into NORMALIZED_TRANSCRIPT_JSON. Rebuilding is
 * harmless, so a retry simply rebuilds. A transcript that cannot be built
 * fails the call (hard stage).
 */
export async function buildCallTranscript(deps: StageDeps, input: CallWorkflowInput, diarization: DiarizationOutcome, voiceMatch: VoiceMatchResult): Promise<void> {
  const call = await loadCallFacts(deps.fork(), input);
  const raw = await deps.artifacts.readJson<unknown>(input.callId, 'RAW_TRANSCRIPT_JSON');
  const diarizationJson = diarization.stored ? await deps.artifacts.readJson<unknown>(input.callId, 'DIARIZATION_JSON') : null;
  await runStage(deps, input, 'TRANSCRIPT_NORMALIZED', null, async () => {
    try {
      prepareTranscript(raw, diarizationJson ?? null);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(error instanceof Error ? error.message : 'transcript could not be aligned', 'normalization_failed');
    }
  });
  await recordStageEvent(deps.fork(), { callId: input.callId, userId: input.userId, stage: 'TRANSCRIPT_ALIGNED', status: 'COMPLETED', provider: null });
  const document = await runStage(deps, input, 'SPEAKER_REFINED', null, async () => {
    try {
      return buildTranscript({
        callId: input.callId,
        rawTranscript: raw,
        diarization: diarizationJson ?? null,
        diarizationProvider: diarizationJson ? diarization.provider : diarization.provider === 'pyannote-fallback' ? 'pyannote-fallback' : 'lemonfox',
        context: {
          userDisplayName: call.userDisplayName,
          contactName: call.contactName,
          phoneNumber: call.phoneNumber,
          organization: call.organization,
          direction: call.direction,
        },
        voiceMatch,
        provenance: {
          transcriptionProvider: deps.settings.providerMode === 'sandbox' ? 'sandbox' : deps.transcription.provider,
          transcriptionModel: deps.transcription.model,
          diarizationModel: diarizationJson ? (deps.diarization?.model ?? null) : null,
        },
        createdAt: new Date(),
      });
    } catch (error) {
      throw ApplicationFailure.nonRetryable(error instanceof Error ? error.message : 'transcript could not be built', 'normalization_failed');
    }
  });
  await deps.artifacts.write(input.callId, 'NORMALIZED_TRANSCRIPT_JSON', artifactKey(input.userId, input.callId, 'NORMALIZED_TRANSCRIPT_JSON'), JSON.stringify(document), 'application/json');
}
