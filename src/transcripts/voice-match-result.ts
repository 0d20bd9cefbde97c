import type { VoiceMatchStatus } from './transcript-document.ts';
import { markAmbiguous, type Proposal, type Resolution } from './speaker-resolution-state.ts';

/** The voice stage's verdict (pipeline.md §8.1); thresholds are applied there, not here. */
export interface VoiceMatchResult {
  status: VoiceMatchStatus;
  /** The diarization speaker whose voice matched the user's profile, when MATCHED. */
  sourceSpeakerId: string | null;
  score: number | null;
  confidence: 'HIGH' | 'MEDIUM' | null;
}

export const VOICE_MATCH_DISABLED: VoiceMatchResult = {
  status: 'DISABLED',
  sourceSpeakerId: null,
  score: null,
  confidence: null,
};

/** A voice match pre-labels the user; the other party is left to the text rules (§8.1). */
export function voiceProposals(r: Resolution, voiceMatch: VoiceMatchResult): Proposal[] {
  if (voiceMatch.status === 'AMBIGUOUS') {
    markAmbiguous(
      r,
      r.speakers.map((s) => s.speakerId),
    );
    return [];
  }
  if (voiceMatch.status !== 'MATCHED') return [];
  const speaker = r.speakers.find((s) => s.sourceSpeakerId === voiceMatch.sourceSpeakerId);
  if (!speaker) return [];
  return [
    {
      speakerId: speaker.speakerId,
      role: 'USER',
      confidence: voiceMatch.confidence ?? 'MEDIUM',
      labelSource: 'VOICE_EMBEDDING',
      displayName: r.people.USER.displayName,
      uses: [],
    },
  ];
}

/** No verdict: the feature is on but nothing could be matched (no profile, no diarization, a provider failure). */
export const VOICE_MATCH_SKIPPED: VoiceMatchResult = {
  status: 'SKIPPED',
  sourceSpeakerId: null,
  score: null,
  confidence: null,
};
