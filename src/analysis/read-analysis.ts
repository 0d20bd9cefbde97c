import { z } from 'zod';
import { analysisSchema, type Analysis } from './analysis-schema.ts';
import { withLegacyAliases } from './legacy-aliases.ts';

type Json = Record<string, unknown>;

/**
 * A stored `ANALYSIS_JSON` as every surface serves it, checked against
 * `Analysis`: the legacy aliases added, and a legacy document (schemaVersion
 * 1 or 2, from before the v3 fields) read into the current shape. v3 and v4
 * documents are served as stored (a v3 one without the judgements, which
 * cannot be made up after the fact). Throws a ZodError for a broken document.
 */
export function readStoredAnalysis(stored: unknown): Analysis {
  const aliased = withLegacyAliases(stored) as Json;
  return analysisSchema.parse(isLegacy(aliased) ? upcastLegacy(aliased) : aliased);
}

function isLegacy(document: Json): boolean {
  return !(typeof document.schemaVersion === 'number' && document.schemaVersion >= 3);
}

/**
 * Every key of a legacy document stays as it was where it already fits the
 * current shape (its aliases and unknown top-level keys always do); a v3 field it lacks,
 * or holds in an older form, gets the nearest value: the summaries from the
 * aliases, the key points as one section, old bullets as headed paragraphs,
 * the rest empty. The result says nothing the document did not.
 */
function upcastLegacy(document: Json): Json {
  const upcast: Json = { ...document, schemaVersion: typeof document.schemaVersion === 'number' ? document.schemaVersion : 1 };
  for (const [key, fallback] of Object.entries(legacyFallbacks(document))) {
    const field = (analysisSchema.shape as Record<string, z.ZodType>)[key]!;
    if (!(key in document) || !field.safeParse(document[key]).success) upcast[key] = fallback;
  }
  return upcast;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : []);
const records = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((item): item is Json => !!item && typeof item === 'object') : []);

function legacyFallbacks(document: Json): Json {
  const sentiment = (document.sentiment ?? {}) as Json;
  const overall = z.enum(['positive', 'neutral', 'negative', 'mixed', 'unclear']).catch('unclear').parse(sentiment.overall);
  const party = { overall: 'unclear', score: null, notes: null };
  const tone = { overall: null, descriptors: [], notes: null };
  return {
    callType: 'unknown',
    suggestedTitle: null,
    oneLineSummary: text(document.shortSummary),
    executiveSummary: text(document.detailedSummary),
    executiveSummaryBullets: records(document.executiveSummaryBullets).map(legacyBullet),
    conversationOutcome: null,
    sections: keyPointsSection(strings(document.keyPoints)),
    keyDiscussionPoints: [],
    actionItems: records(document.actionItems).flatMap(legacyActionItem),
    nextSteps: [],
    importantDates: [],
    decisions: [],
    commitments: [],
    openQuestions: [],
    risks: [],
    opportunities: [],
    peopleMentioned: [],
    numbersAndAmounts: [],
    sentiment: { overall, score: null, reason: text(sentiment.reason), userSentiment: party, contactSentiment: party, progression: [], emotionalSignals: [] },
    tone: { ...tone, formality: null, energy: null, pace: null, byParty: { userTone: tone, contactTone: tone } },
    tags: strings(document.tags),
    qualityWarnings: strings(document.qualityWarnings),
  };
}

/** A v1/v2 bullet `{text, category, importance, sourceSegmentIds}` as a headed paragraph: its category heads its text. */
function legacyBullet(bullet: Json): Json {
  return { ...bullet, header: text(bullet.category) ?? '', startTimestamp: null, paragraphs: strings([bullet.text]) };
}

function keyPointsSection(points: string[]): Json[] {
  if (points.length === 0) return [];
  const items = points.map((point) => ({ text: point, importance: 'high', speaker: null, sourceSegmentIds: [] }));
  return [{ id: 'sec_001', title: 'Key points', type: 'key_points', summary: null, items }];
}

const ACTION_ITEM_DEFAULTS = {
  description: null,
  ownerSpeakerId: null,
  ownerSpeakerLabel: null,
  ownerDisplayName: null,
  ownerRole: null,
  dueDate: null,
  priority: null,
  sourceSegmentIds: [],
  intent: 'none',
  intentMetadata: Object.fromEntries(Object.keys(analysisSchema.shape.actionItems.element.shape.intentMetadata.shape).map((key) => [key, null])),
};

/** A legacy item with what it lacks filled in (`ownerSpeaker` was the label); one that still does not fit is left out. */
function legacyActionItem(item: Json): Json[] {
  const filled = { ...ACTION_ITEM_DEFAULTS, ownerSpeakerLabel: text(item.ownerSpeaker), ...item };
  return analysisSchema.shape.actionItems.element.safeParse(filled).success ? [filled] : [];
}
