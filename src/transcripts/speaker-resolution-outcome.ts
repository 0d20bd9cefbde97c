import { SPEAKER_RESOLUTION_STRATEGY_VERSION, TRANSCRIPT_WARNINGS } from './transcript-document.ts';
import type { Confidence, LabelSource, Role, SpeakerResolution } from './transcript-document.ts';
import type { Resolution, SpeakerToResolve } from './speaker-resolution-state.ts';
import type { VoiceMatchResult } from './voice-match-result.ts';

export interface ResolvedSpeaker extends SpeakerToResolve {
  displayName: string | null;
  role: Role;
  confidence: Confidence;
  labelSource: LabelSource;
  voiceMatchScore: number | null;
  voiceProfileMatched: boolean;
}

export interface SpeakerResolutionOutcome {
  speakers: ResolvedSpeaker[];
  speakerResolution: SpeakerResolution;
}

/** Every speaker labelled (UNKNOWN where no rule fit) and the speakerResolution block saying what was used. */
export function resolutionOutcome(r: Resolution, voiceMatch: VoiceMatchResult): SpeakerResolutionOutcome {
  const speakers = r.speakers.map((speaker): ResolvedSpeaker => {
    const identity = r.identities.get(speaker.speakerId);
    const voiceMatched = identity?.labelSource === 'VOICE_EMBEDDING';
    const base = {
      ...speaker,
      voiceMatchScore: voiceMatched ? voiceMatch.score : null,
      voiceProfileMatched: voiceMatched,
    };
    if (identity) return { ...base, ...identity };
    const introduced = r.introducedNames.get(speaker.speakerId) ?? null;
    const labelSource: LabelSource = r.ambiguous.has(speaker.speakerId)
      ? 'AMBIGUOUS'
      : introduced
        ? 'SELF_INTRODUCTION'
        : 'DIARIZATION';
    return {
      ...base,
      role: 'UNKNOWN',
      displayName: introduced,
      confidence: introduced ? 'MEDIUM' : 'LOW',
      labelSource,
    };
  });
  const resolvedCount = speakers.filter((s) => s.role !== 'UNKNOWN').length;
  if (speakers.length > 0 && speakers.length < 3 && resolvedCount < speakers.length) {
    r.warnings.add('speaker_roles_unresolved');
  }
  return {
    speakers,
    speakerResolution: {
      strategyVersion: SPEAKER_RESOLUTION_STRATEGY_VERSION,
      usedUserDisplayName: r.used.user,
      usedContactName: r.used.contact,
      usedDirection: r.used.direction,
      usedPhoneFallback: r.used.phone,
      voiceEmbeddingEnabled: voiceMatch.status !== 'DISABLED',
      voiceProfileUsed: ['MATCHED', 'NO_MATCH', 'AMBIGUOUS'].includes(voiceMatch.status),
      voiceMatchStatus: voiceMatch.status,
      totalSpeakerCount: speakers.length,
      resolvedSpeakerCount: resolvedCount,
      warnings: TRANSCRIPT_WARNINGS.filter((w) => r.warnings.has(w)),
    },
  };
}
