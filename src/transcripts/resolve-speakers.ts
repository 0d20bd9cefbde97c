import { applyProposals } from './apply-proposals.ts';
import {
  answeringProposals,
  eliminationProposals,
  greetingProposals,
  nameContactByPhone,
  nameMentionProposals,
  promoteGreetingsByDirection,
  selfIntroductionProposals,
} from './speaker-cue-rules.ts';
import { resolutionOutcome, type SpeakerResolutionOutcome } from './speaker-resolution-outcome.ts';
import {
  startResolution,
  type SegmentToResolve,
  type SpeakerContext,
  type SpeakerToResolve,
} from './speaker-resolution-state.ts';
import { voiceProposals, type VoiceMatchResult } from './voice-match-result.ts';

export type { ResolvedSpeaker, SpeakerResolutionOutcome } from './speaker-resolution-outcome.ts';
export type { SegmentToResolve, SpeakerContext, SpeakerToResolve } from './speaker-resolution-state.ts';
export { VOICE_MATCH_DISABLED, type VoiceMatchResult } from './voice-match-result.ts';

/**
 * strategyVersion 2 (pipeline.md §8): the first rule that fits a speaker wins,
 * later rules only fill speakers still unknown and never downgrade. Every
 * label comes from the user's profile, the contact's metadata or the speaker's
 * own words; nothing is guessed from position.
 */
export function resolveSpeakers(input: {
  speakers: readonly SpeakerToResolve[];
  segments: readonly SegmentToResolve[];
  context: SpeakerContext;
  voiceMatch: VoiceMatchResult;
}): SpeakerResolutionOutcome {
  const resolution = startResolution(input);
  const count = resolution.speakers.length;
  if (count >= 3) {
    resolution.warnings.add('multi_party_call_not_auto_resolved');
  } else if (count > 0) {
    applyProposals(resolution, voiceProposals(resolution, input.voiceMatch));
    applyProposals(resolution, selfIntroductionProposals(resolution));
    applyProposals(resolution, greetingProposals(resolution));
    applyProposals(resolution, nameMentionProposals(resolution));
    applyProposals(resolution, eliminationProposals(resolution));
    promoteGreetingsByDirection(resolution);
    applyProposals(resolution, answeringProposals(resolution));
    nameContactByPhone(resolution);
  }
  return resolutionOutcome(resolution, input.voiceMatch);
}
