import {
  SPEAKER_RESOLUTION_STRATEGY_VERSION,
  TRANSCRIPT_WARNINGS,
} from './transcript-document.ts';
import type {
  CallDirection,
  Confidence,
  LabelSource,
  Role,
  SpeakerResolution,
  TranscriptWarning,
  VoiceMatchStatus,
} from './transcript-document.ts';
import { cueText, findSelfIntroduction, greetsName, isAnsweringPhrase, mentionsName, nameVariants, sameName } from './speaker-cues.ts';
import type { CueText, NameVariant } from './speaker-cues.ts';

/** What the resolver may know about the call besides the words. */
export interface SpeakerContext {
  userDisplayName?: string | null;
  contactName?: string | null;
  phoneNumber?: string | null;
  /** The contact's organisation from the address book: `Ravi (Acme)`. */
  organization?: string | null;
  direction?: CallDirection | null;
}

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

export interface SpeakerToResolve {
  speakerId: string;
  sourceSpeakerId: string;
  label: string;
}

export interface SegmentToResolve {
  speakerId: string;
  startSeconds: number;
  text: string;
}

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

type KnownRole = 'USER' | 'CONTACT';

interface Identity {
  role: KnownRole;
  confidence: Confidence;
  labelSource: LabelSource;
  displayName: string | null;
}

interface Proposal extends Identity {
  speakerId: string;
  uses: KnownRole[];
}

interface Person {
  variants: NameVariant[];
  displayName: string | null;
}

/** A segment with its words tokenized once, for every rule that reads them. */
interface Utterance extends SegmentToResolve {
  cue: CueText;
}

interface Resolution {
  speakers: SpeakerToResolve[];
  segments: Utterance[];
  context: SpeakerContext;
  people: Record<KnownRole, Person>;
  identities: Map<string, Identity>;
  /** Names from self-introductions whose role the introduction alone could not tell. */
  introducedNames: Map<string, string>;
  ambiguous: Set<string>;
  warnings: Set<TranscriptWarning>;
  used: { user: boolean; contact: boolean; direction: boolean; phone: boolean };
}

const GREETING_HIGH_MAX_SEGMENT_INDEX = 1;
const GREETING_HIGH_MAX_START_SECONDS = 30;
const ANSWERING_WINDOW_SEGMENTS = 4;
const ANSWERING_WINDOW_SECONDS = 20;
/** A contact "name" with this many digits is a phone number, which must never reach the transcript whole. */
const PHONE_LIKE_DIGITS = 5;

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
  return finish(resolution, input.voiceMatch);
}

function startResolution(input: {
  speakers: readonly SpeakerToResolve[];
  segments: readonly SegmentToResolve[];
  context: SpeakerContext;
}): Resolution {
  const segments = input.segments
    .toSorted((a, b) => a.startSeconds - b.startSeconds)
    .map((s): Utterance => ({ ...s, cue: cueText(s.text) }));
  return {
    speakers: [...input.speakers],
    segments,
    context: input.context,
    people: knownPeople(input.context),
    identities: new Map(),
    introducedNames: new Map(),
    ambiguous: new Set(),
    warnings: new Set(),
    used: { user: false, contact: false, direction: false, phone: false },
  };
}

function knownPeople(context: SpeakerContext): Record<KnownRole, Person> {
  const userName = context.userDisplayName?.trim() || null;
  const contactName = usableContactName(context);
  const userVariants = nameVariants(userName);
  const contactVariants = nameVariants(contactName);
  // A first name both people share identifies neither of them.
  const shared = new Set(userVariants.filter((u) => contactVariants.some((c) => c.key === u.key)).map((v) => v.key));
  return {
    USER: { variants: userVariants.filter((v) => !shared.has(v.key)), displayName: userName },
    CONTACT: {
      variants: contactVariants.filter((v) => !shared.has(v.key)),
      displayName: contactName ? withOrganization(contactName, context.organization) : null,
    },
  };
}

function usableContactName(context: SpeakerContext): string | null {
  const name = context.contactName?.trim();
  if (!name) return null;
  return (name.match(/\d/g)?.length ?? 0) >= PHONE_LIKE_DIGITS ? null : name;
}

function withOrganization(name: string, organization: string | null | undefined): string {
  const org = organization?.trim();
  return org ? `${name} (${org})` : name;
}

function opposite(role: KnownRole): KnownRole {
  return role === 'USER' ? 'CONTACT' : 'USER';
}

/** A voice match pre-labels the user; the other party is left to the rules below (§8.1). */
function voiceProposals(r: Resolution, voiceMatch: VoiceMatchResult): Proposal[] {
  if (voiceMatch.status === 'AMBIGUOUS') {
    markAmbiguous(r, r.speakers.map((s) => s.speakerId));
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

function selfIntroductionProposals(r: Resolution): Proposal[] {
  const known = [...r.people.USER.variants, ...r.people.CONTACT.variants];
  const proposals: Proposal[] = [];
  for (const speaker of r.speakers) {
    const intro = firstOf(segmentsOf(r, speaker.speakerId), (s) => findSelfIntroduction(s.cue, known));
    if (!intro) continue;
    const proposal = introductionProposal(r, speaker.speakerId, intro.name, intro.organization);
    if (proposal) proposals.push(proposal);
    else r.introducedNames.set(speaker.speakerId, withOrganization(intro.name, intro.organization));
  }
  return proposals;
}

function introductionProposal(r: Resolution, speakerId: string, name: string, organization: string | null): Proposal | null {
  const base = { speakerId, labelSource: 'SELF_INTRODUCTION' as const };
  if (sameName(name, r.people.USER.variants)) {
    return { ...base, role: 'USER', confidence: 'HIGH', displayName: r.people.USER.displayName, uses: ['USER'] };
  }
  const contactName = usableContactName(r.context);
  if (contactName && sameName(name, r.people.CONTACT.variants)) {
    const org = organization ?? r.context.organization;
    return { ...base, role: 'CONTACT', confidence: 'HIGH', displayName: withOrganization(contactName, org), uses: ['CONTACT'] };
  }
  // Someone introducing themselves under a name that is not the user's is the other party.
  if (!r.people.USER.displayName) return null;
  const org = organization ?? (contactName ? null : r.context.organization);
  return { ...base, role: 'CONTACT', confidence: 'MEDIUM', displayName: withOrganization(name, org), uses: ['USER'] };
}

/** "Hi Ravi" is said *to* Ravi: the greeter is the other party, and is never renamed Ravi. */
function greetingProposals(r: Resolution): Proposal[] {
  const proposals: Proposal[] = [];
  r.segments.forEach((segment, index) => {
    for (const greeted of ['USER', 'CONTACT'] as const) {
      if (!r.people[greeted].variants.some((v) => greetsName(segment.cue, v))) continue;
      const early = index <= GREETING_HIGH_MAX_SEGMENT_INDEX && segment.startSeconds < GREETING_HIGH_MAX_START_SECONDS;
      const role = opposite(greeted);
      proposals.push({
        speakerId: segment.speakerId,
        role,
        confidence: early ? 'HIGH' : 'MEDIUM',
        labelSource: 'GREETING_MATCH',
        displayName: r.people[role].displayName,
        uses: [greeted],
      });
    }
  });
  return proposals;
}

/**
 * In a two-party call, whoever says a known name the other never says is
 * talking to that person. When both say both names the text cannot tell.
 */
function nameMentionProposals(r: Resolution): Proposal[] {
  if (r.speakers.length !== 2) return [];
  const [a, b] = r.speakers as [SpeakerToResolve, SpeakerToResolve];
  if (r.identities.has(a.speakerId) && r.identities.has(b.speakerId)) return [];
  const mentionsOf = (speakerId: string) => ({
    USER: speakerMentions(r, speakerId, 'USER'),
    CONTACT: speakerMentions(r, speakerId, 'CONTACT'),
  });
  const mentions = { [a.speakerId]: mentionsOf(a.speakerId), [b.speakerId]: mentionsOf(b.speakerId) };
  const bothSayBoth = [a, b].every((s) => mentions[s.speakerId]!.USER && mentions[s.speakerId]!.CONTACT);
  if (bothSayBoth) {
    markAmbiguous(r, [a.speakerId, b.speakerId].filter((id) => !r.identities.has(id)));
    return [];
  }
  const proposals: Proposal[] = [];
  for (const [speaker, other] of [[a, b], [b, a]] as const) {
    if (r.identities.has(speaker.speakerId)) continue;
    for (const named of ['USER', 'CONTACT'] as const) {
      if (!mentions[speaker.speakerId]![named] || mentions[other.speakerId]![named]) continue;
      const role = opposite(named);
      proposals.push({
        speakerId: speaker.speakerId,
        role,
        confidence: 'MEDIUM',
        labelSource: 'NAME_MENTION',
        displayName: r.introducedNames.get(speaker.speakerId) ?? r.people[role].displayName,
        uses: [named],
      });
    }
  }
  return proposals;
}

function speakerMentions(r: Resolution, speakerId: string, person: KnownRole): boolean {
  const variants = r.people[person].variants;
  return segmentsOf(r, speakerId).some((s) => variants.some((v) => mentionsName(s.cue, v)));
}

function eliminationProposals(r: Resolution): Proposal[] {
  if (r.speakers.length !== 2) return [];
  const unresolved = r.speakers.filter((s) => !r.identities.has(s.speakerId));
  const resolved = r.speakers.flatMap((s) => r.identities.get(s.speakerId) ?? []);
  if (unresolved.length !== 1 || resolved.length !== 1 || resolved[0]!.confidence === 'LOW') return [];
  const speakerId = unresolved[0]!.speakerId;
  const role = opposite(resolved[0]!.role);
  return [
    {
      speakerId,
      role,
      confidence: 'MEDIUM',
      labelSource: 'BY_ELIMINATION',
      displayName: r.introducedNames.get(speakerId) ?? r.people[role].displayName,
      uses: [],
    },
  ];
}

/**
 * Direction never assigns a role. It only confirms a late greeting when the
 * first voice on the line is the party who answers: the user on an incoming
 * call, the contact on an outgoing one.
 */
function promoteGreetingsByDirection(r: Resolution): void {
  const direction = r.context.direction;
  if (direction !== 'INCOMING' && direction !== 'OUTGOING') return;
  const answerer: KnownRole = direction === 'INCOMING' ? 'USER' : 'CONTACT';
  const firstSpeaker = r.segments[0]?.speakerId;
  if (!firstSpeaker || r.identities.get(firstSpeaker)?.role !== answerer) return;
  for (const identity of r.identities.values()) {
    if (identity.labelSource === 'GREETING_MATCH' && identity.confidence === 'MEDIUM') {
      identity.confidence = 'HIGH';
      r.used.direction = true;
    }
  }
}

/**
 * Last textual rule: the first voice answers the phone ("Hello?", "Haan, bolo")
 * and so is taken as the called contact. It is too weak to settle evidence that
 * already contradicted itself, and on an incoming call the one answering is the
 * user, so it does not apply in either case.
 */
function answeringProposals(r: Resolution): Proposal[] {
  if (r.speakers.length !== 2 || r.identities.size > 0 || r.ambiguous.size > 0) return [];
  if (r.context.direction === 'INCOMING') return [];
  const opening = r.segments.slice(0, ANSWERING_WINDOW_SEGMENTS).filter((s) => s.startSeconds <= ANSWERING_WINDOW_SECONDS);
  const opener = opening[0];
  if (!opener || opener !== r.segments[0] || !isAnsweringPhrase(opener.cue)) return [];
  const other = opening.find((s) => s.speakerId !== opener.speakerId);
  if (!other) return [];
  r.warnings.add('answering_pattern_used');
  const proposal = (speakerId: string, role: KnownRole): Proposal => ({
    speakerId,
    role,
    confidence: 'MEDIUM',
    labelSource: 'ANSWERING_PATTERN',
    displayName: r.introducedNames.get(speakerId) ?? r.people[role].displayName,
    uses: [],
  });
  return [proposal(opener.speakerId, 'CONTACT'), proposal(other.speakerId, 'USER')];
}

/** Only the last four digits: the full number is personal data the transcript must not carry. */
function nameContactByPhone(r: Resolution): void {
  if (usableContactName(r.context)) return;
  const digits = (r.context.phoneNumber ?? '').replace(/\D/g, '');
  if (digits.length < 4) return;
  for (const identity of r.identities.values()) {
    if (identity.role !== 'CONTACT' || identity.displayName) continue;
    identity.displayName = `Contact ending ${digits.slice(-4)}`;
    identity.labelSource = 'PHONE_FALLBACK';
    r.used.phone = true;
  }
}

/**
 * Applies one rule's proposals. Evidence that contradicts itself (two speakers
 * claimed as the user, one speaker claimed as both) or an earlier rule is
 * dropped and reported, never settled by picking one.
 */
function applyProposals(r: Resolution, proposals: Proposal[]): void {
  const fresh: Proposal[] = [];
  for (const proposal of proposals) {
    const existing = r.identities.get(proposal.speakerId);
    if (!existing) fresh.push(proposal);
    else if (existing.role !== proposal.role) markAmbiguous(r, []);
  }
  const rolesBySpeaker = groupRoles(fresh, (p) => p.speakerId, (p) => p.role);
  const speakersByRole = groupRoles(fresh, (p) => p.role, (p) => p.speakerId);
  const takenRoles = new Set([...r.identities.values()].map((i) => i.role));
  const conflicting = fresh.filter(
    (p) => rolesBySpeaker.get(p.speakerId)!.size > 1 || speakersByRole.get(p.role)!.size > 1 || takenRoles.has(p.role),
  );
  if (conflicting.length > 0) markAmbiguous(r, conflicting.map((p) => p.speakerId));
  const accepted = fresh.filter((p) => !conflicting.includes(p));
  for (const proposal of strongestPerSpeaker(accepted)) {
    const { speakerId, uses, ...identity } = proposal;
    r.identities.set(speakerId, identity);
    r.ambiguous.delete(speakerId);
    for (const person of uses) r.used[person === 'USER' ? 'user' : 'contact'] = true;
    if (identity.displayName && identity.displayName === r.people[identity.role].displayName) {
      r.used[identity.role === 'USER' ? 'user' : 'contact'] = true;
    }
  }
}

function groupRoles<K, V>(proposals: Proposal[], key: (p: Proposal) => K, value: (p: Proposal) => V): Map<K, Set<V>> {
  const groups = new Map<K, Set<V>>();
  for (const p of proposals) {
    const group = groups.get(key(p)) ?? new Set<V>();
    group.add(value(p));
    groups.set(key(p), group);
  }
  return groups;
}

const CONFIDENCE_RANK: Record<Confidence, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

/** Proposals arrive in time order; a speaker keeps the most confident, earliest one. */
function strongestPerSpeaker(proposals: Proposal[]): Proposal[] {
  const best = new Map<string, Proposal>();
  for (const p of proposals) {
    const current = best.get(p.speakerId);
    if (!current || CONFIDENCE_RANK[p.confidence] > CONFIDENCE_RANK[current.confidence]) best.set(p.speakerId, p);
  }
  return [...best.values()];
}

function markAmbiguous(r: Resolution, speakerIds: string[]): void {
  r.warnings.add('speaker_identity_ambiguous');
  for (const id of speakerIds) r.ambiguous.add(id);
}

function finish(r: Resolution, voiceMatch: VoiceMatchResult): SpeakerResolutionOutcome {
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
    return { ...base, role: 'UNKNOWN', displayName: introduced, confidence: introduced ? 'MEDIUM' : 'LOW', labelSource };
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

function segmentsOf(r: Resolution, speakerId: string): Utterance[] {
  return r.segments.filter((s) => s.speakerId === speakerId);
}

function firstOf<T, U>(items: readonly T[], pick: (item: T) => U | null): U | null {
  for (const item of items) {
    const picked = pick(item);
    if (picked) return picked;
  }
  return null;
}
