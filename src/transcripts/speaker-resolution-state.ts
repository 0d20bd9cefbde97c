import type { CallDirection, Confidence, LabelSource, TranscriptWarning } from './transcript-document.ts';
import { cueText, nameVariants } from './speaker-cues.ts';
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

export type KnownRole = 'USER' | 'CONTACT';

export interface Identity {
  role: KnownRole;
  confidence: Confidence;
  labelSource: LabelSource;
  displayName: string | null;
}

export interface Proposal extends Identity {
  speakerId: string;
  uses: KnownRole[];
}

export interface Person {
  variants: NameVariant[];
  displayName: string | null;
}

/** A segment with its words tokenized once, for every rule that reads them. */
export interface Utterance extends SegmentToResolve {
  cue: CueText;
}

/** All a resolution has learned so far; every rule reads it and proposals settle into it. */
export interface Resolution {
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

/** A contact "name" with this many digits is a phone number, which must never reach the transcript whole. */
const PHONE_LIKE_DIGITS = 5;

export function startResolution(input: {
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

export function usableContactName(context: SpeakerContext): string | null {
  const name = context.contactName?.trim();
  if (!name) return null;
  return (name.match(/\d/g)?.length ?? 0) >= PHONE_LIKE_DIGITS ? null : name;
}

export function withOrganization(name: string, organization: string | null | undefined): string {
  const org = organization?.trim();
  return org ? `${name} (${org})` : name;
}

export function opposite(role: KnownRole): KnownRole {
  return role === 'USER' ? 'CONTACT' : 'USER';
}

export function markAmbiguous(r: Resolution, speakerIds: string[]): void {
  r.warnings.add('speaker_identity_ambiguous');
  for (const id of speakerIds) r.ambiguous.add(id);
}
