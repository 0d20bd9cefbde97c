import {
  VOICE_MATCH_DISABLED,
  VOICE_MATCH_SKIPPED,
  type VoiceMatchResult,
} from '../../../transcripts/voice-match-result.ts';
import { scoreVoiceMatch, turnsOf } from '../../../voice/voice-match.ts';
import { diarizationAudioContentType, diarizationAudioKey } from '../diarization-policy.ts';
import { withLocalCopy } from '../local-audio.ts';
import { recordSkipped, runStage, type StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../call-runs.ts';
import type { AudioPlan } from './audio-plan.ts';
import type { DiarizationOutcome } from './diarize-speakers.ts';

const USER_LABEL = 'scryon-user';

/**
 * Soft stage: asks pyannote to identify the user's voiceprint in the call.
 * Skipped when the feature is off, the user has no profile, there is no
 * diarization, or the provider fails — the resolver then works from text.
 */
export async function matchVoice(
  deps: StageDeps,
  input: CallWorkflowInput,
  audio: AudioPlan,
  diarization: DiarizationOutcome,
): Promise<VoiceMatchResult> {
  if (!deps.settings.voice.enabled) return VOICE_MATCH_DISABLED;
  const voiceprint = await deps.voiceprintOf(input.userId);
  if (!voiceprint || !deps.diarization || !diarization.stored) {
    await recordSkipped(deps, input, 'VOICE_MATCH', !voiceprint ? 'no_voice_profile' : 'no_diarization');
    return VOICE_MATCH_SKIPPED;
  }
  const stored = await deps.artifacts.readJson<{ output?: { diarization?: [] }; diarization?: [] }>(
    input.callId,
    'DIARIZATION_JSON',
  );
  const turns = turnsOf(stored?.output?.diarization ?? stored?.diarization ?? []);
  const key = diarizationAudioKey(audio);
  const file = (path: string) => ({ path, contentType: diarizationAudioContentType(audio), filename: 'audio' });
  try {
    const identify = await runStage(deps, input, 'VOICE_MATCH', deps.diarization.provider, (signal) =>
      withLocalCopy(deps.storage, key, (local) =>
        deps.diarization!.identify(
          { mediaKey: `media://scryon-${input.callId}-identify`, audio: file(local), voiceprint, label: USER_LABEL },
          signal,
        ),
      ),
    );
    return scoreVoiceMatch(identify, turns, USER_LABEL, {
      high: deps.settings.voice.highThreshold,
      medium: deps.settings.voice.mediumThreshold,
    });
  } catch (error) {
    deps.logger.warn({ callId: input.callId, err: error }, 'voice match failed; resolving speakers from text');
    return VOICE_MATCH_SKIPPED;
  }
}
