import { ANALYSIS_SCHEMA_VERSION, analysisOutputSchema, type AnalysisDocument } from './analysis-schema.ts';
import { digitsOf, EMAIL_PATTERN, PHONE_PATTERN, type AnalysisTranscript } from './analysis-input.ts';
import { foldText } from '../transcripts/fold-text.ts';

/** The model's output is not JSON, or not the schema: the call fails as `analysis_invalid_output`. */
export class AnalysisOutputInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisOutputInvalidError';
  }
}

export interface GroundedAnalysis {
  analysis: AnalysisDocument;
  /** What was corrected, for logs and tests (no content, only kinds and counts). */
  corrections: string[];
}

/**
 * Server-side grounding of what the model returned: nothing the transcript
 * does not support is stored. Unknown segment ids are dropped everywhere,
 * emails and phone numbers that were never said are removed, and action-item
 * owners are mapped onto real speakers or left null.
 */
export function groundAnalysis(raw: unknown, transcript: AnalysisTranscript): GroundedAnalysis {
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  const parsed = analysisOutputSchema.safeParse(value);
  if (!parsed.success)
    throw new AnalysisOutputInvalidError(`analysis does not match the schema: ${parsed.error.issues.length} issue(s)`);
  const corrections: string[] = [];
  const unknownKeys = Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      ([key]) => !(key in parsed.data) && key !== 'schemaVersion',
    ),
  );
  const document = { ...unknownKeys, ...parsed.data, schemaVersion: ANALYSIS_SCHEMA_VERSION } as AnalysisDocument;
  const segmentIds = new Set(transcript.segments.map((segment) => segment.id));
  const spoken = spokenContacts(transcript);
  const grounded = scrub(document, segmentIds, spoken, corrections) as AnalysisDocument;
  grounded.actionItems = grounded.actionItems.map((item) => mapOwner(item, transcript, corrections));
  for (const judgement of JUDGEMENTS)
    grounded[judgement] = withSupportedRationale(grounded[judgement], corrections) as never;
  return { analysis: grounded, corrections };
}

const JUDGEMENTS = ['outcome', 'followUpRequired', 'escalationRequired'] as const;

/** A verdict stays; its rationale only with a segment that supports it (the unknown ones are already gone). */
function withSupportedRationale<T extends { rationale: string | null; sourceSegmentIds: string[] }>(
  judgement: T,
  corrections: string[],
): T {
  if (judgement.sourceSegmentIds.length > 0 || judgement.rationale === null) return judgement;
  corrections.push('unsupported_rationale_removed');
  return { ...judgement, rationale: null };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AnalysisOutputInvalidError('analysis is not valid JSON');
  }
}

interface SpokenContacts {
  emails: Set<string>;
  phones: Set<string>;
}

function spokenContacts(transcript: AnalysisTranscript): SpokenContacts {
  const text = transcript.segments.map((segment) => segment.text).join('\n');
  return {
    emails: new Set([...text.matchAll(EMAIL_PATTERN)].map((match) => match[0].toLowerCase())),
    phones: new Set(
      [...text.matchAll(PHONE_PATTERN)].map((match) => digitsOf(match[0])).filter((digits) => digits.length >= 7),
    ),
  };
}

function scrub(
  node: unknown,
  segmentIds: Set<string>,
  spoken: SpokenContacts,
  corrections: string[],
  key?: string,
): unknown {
  if (typeof node === 'string') return scrubText(node, key, spoken, corrections);
  if (Array.isArray(node)) {
    if (key === 'sourceSegmentIds') {
      const kept = node.filter((id) => typeof id === 'string' && segmentIds.has(id));
      if (kept.length !== node.length) corrections.push('unknown_segment_ids_removed');
      return kept;
    }
    return node.map((item) => scrub(item, segmentIds, spoken, corrections));
  }
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([name, value]) => [name, scrub(value, segmentIds, spoken, corrections, name)]),
  );
}

/** Fields that hold one email or one phone number are nulled when it was never said; text loses the token. */
function scrubText(
  text: string,
  key: string | undefined,
  spoken: SpokenContacts,
  corrections: string[],
): string | null {
  const inventedEmail = (email: string) => !spoken.emails.has(email.toLowerCase());
  const inventedPhone = (phone: string) =>
    digitsOf(phone).length >= 7 && !ISO_DATE.test(phone.trim()) && !spoken.phones.has(digitsOf(phone));
  if (key && DATE_FIELDS.has(key)) return text;
  if (key === 'toEmail' || key === 'email') {
    if (inventedEmail(text.trim())) {
      corrections.push('invented_email_removed');
      return null;
    }
    return text;
  }
  if (key === 'phoneNumber') {
    if (inventedPhone(text)) {
      corrections.push('invented_phone_removed');
      return null;
    }
    return text;
  }
  let cleaned = text.replace(EMAIL_PATTERN, (email) =>
    inventedEmail(email) ? (corrections.push('invented_email_removed'), '') : email,
  );
  cleaned = cleaned.replace(PHONE_PATTERN, (phone) =>
    inventedPhone(phone) ? (corrections.push('invented_phone_removed'), '') : phone,
  );
  return cleaned === text ? text : cleaned.replace(/\s{2,}/g, ' ').trim();
}

/** Dates look like digit runs; they are checked by their own rules, not as phone numbers. */
const DATE_FIELDS = new Set(['dueDate', 'date', 'proposedAt', 'remindAt', 'startTimestamp', 'when']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([ T][\d:.]+)?$/;

type ActionItem = AnalysisDocument['actionItems'][number];

/**
 * Owner by speaker id, else by label or display name (folded, so
 * "José" and "Jose" agree), else nobody: owners are never invented.
 */
function mapOwner(item: ActionItem, transcript: AnalysisTranscript, corrections: string[]): ActionItem {
  const byId = item.ownerSpeakerId
    ? transcript.speakers.find((speaker) => speaker.speakerId === item.ownerSpeakerId)
    : undefined;
  const named = (value: string | null) => {
    const wanted = value ? foldText(value.trim()) : '';
    return wanted
      ? transcript.speakers.find((speaker) =>
          [speaker.label, speaker.displayName].some((name) => name && foldText(name) === wanted),
        )
      : undefined;
  };
  const speaker = byId ?? named(item.ownerSpeakerLabel) ?? named(item.ownerDisplayName);
  if (!speaker) {
    if (item.ownerSpeakerId || item.ownerSpeakerLabel || item.ownerDisplayName || item.ownerRole)
      corrections.push('unknown_owner_removed');
    return { ...item, ownerSpeakerId: null, ownerSpeakerLabel: null, ownerDisplayName: null, ownerRole: null };
  }
  return {
    ...item,
    ownerSpeakerId: speaker.speakerId,
    ownerSpeakerLabel: speaker.label,
    ownerDisplayName: speaker.displayName,
    ownerRole: speaker.role,
  };
}
