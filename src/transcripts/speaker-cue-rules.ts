import { findSelfIntroduction, greetsName, isAnsweringPhrase, mentionsName, sameName } from './speaker-cues.ts';
import {
  markAmbiguous,
  opposite,
  usableContactName,
  withOrganization,
  type KnownRole,
  type Proposal,
  type Resolution,
  type SpeakerToResolve,
  type Utterance,
} from './speaker-resolution-state.ts';

/*
 * The rules that read the speakers' own words and the call's metadata
 * (pipeline.md §8). Those that name speakers return proposals instead of
 * labelling, so contradictions between rules are caught in one place.
 */

const GREETING_HIGH_MAX_SEGMENT_INDEX = 1;
const GREETING_HIGH_MAX_START_SECONDS = 30;
const ANSWERING_WINDOW_SEGMENTS = 4;
const ANSWERING_WINDOW_SECONDS = 20;

export function selfIntroductionProposals(r: Resolution): Proposal[] {
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

function introductionProposal(
  r: Resolution,
  speakerId: string,
  name: string,
  organization: string | null,
): Proposal | null {
  const base = { speakerId, labelSource: 'SELF_INTRODUCTION' as const };
  if (sameName(name, r.people.USER.variants)) {
    return { ...base, role: 'USER', confidence: 'HIGH', displayName: r.people.USER.displayName, uses: ['USER'] };
  }
  const contactName = usableContactName(r.context);
  if (contactName && sameName(name, r.people.CONTACT.variants)) {
    const org = organization ?? r.context.organization;
    return {
      ...base,
      role: 'CONTACT',
      confidence: 'HIGH',
      displayName: withOrganization(contactName, org),
      uses: ['CONTACT'],
    };
  }
  // Someone introducing themselves under a name that is not the user's is the other party.
  if (!r.people.USER.displayName) return null;
  const org = organization ?? (contactName ? null : r.context.organization);
  return { ...base, role: 'CONTACT', confidence: 'MEDIUM', displayName: withOrganization(name, org), uses: ['USER'] };
}

/** "Hi Ravi" is said *to* Ravi: the greeter is the other party, and is never renamed Ravi. */
export function greetingProposals(r: Resolution): Proposal[] {
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
export function nameMentionProposals(r: Resolution): Proposal[] {
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
    markAmbiguous(
      r,
      [a.speakerId, b.speakerId].filter((id) => !r.identities.has(id)),
    );
    return [];
  }
  const proposals: Proposal[] = [];
  for (const [speaker, other] of [
    [a, b],
    [b, a],
  ] as const) {
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

export function eliminationProposals(r: Resolution): Proposal[] {
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
export function promoteGreetingsByDirection(r: Resolution): void {
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
export function answeringProposals(r: Resolution): Proposal[] {
  if (r.speakers.length !== 2 || r.identities.size > 0 || r.ambiguous.size > 0) return [];
  if (r.context.direction === 'INCOMING') return [];
  const opening = r.segments
    .slice(0, ANSWERING_WINDOW_SEGMENTS)
    .filter((s) => s.startSeconds <= ANSWERING_WINDOW_SECONDS);
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
export function nameContactByPhone(r: Resolution): void {
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
