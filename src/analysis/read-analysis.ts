import { z } from 'zod';
import { analysisSchema, SENTIMENTS, type Analysis } from './analysis-schema.ts';
import { withLegacyAliases } from './legacy-aliases.ts';
import { emptyFindings } from './empty-analysis.ts';

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
  const schemaVersion = typeof document.schemaVersion === 'number' ? document.schemaVersion : 1;
  const upcast: Json = { ...document, schemaVersion };
  for (const [key, fallback] of Object.entries(legacyFallbacks(document))) {
    const field = (analysisSchema.shape as Record<string, z.ZodType>)[key]!;
    if (!(key in document) || !field.safeParse(document[key]).success) upcast[key] = fallback;
  }
  return upcast;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const strings = (value: unknown): string[] => listOf(value).filter((item) => typeof item === 'string');
const isRecord = (item: unknown): item is Json => !!item && typeof item === 'object';
const records = (value: unknown): Json[] => listOf(value).filter(isRecord);

function legacyFallbacks(document: Json): Json {
  const sentiment = (document.sentiment ?? {}) as Json;
  const overall = z.enum(SENTIMENTS).catch('unclear').parse(sentiment.overall);
  const party = { overall: 'unclear', score: null, notes: null };
  const tone = { overall: null, descriptors: [], notes: null };
  return {
    callType: 'unknown',
    suggestedTitle: null,
    oneLineSummary: text(document.shortSummary),
    executiveSummary: text(document.detailedSummary),
    ...emptyFindings(),
    executiveSummaryBullets: records(document.executiveSummaryBullets).map(legacyBullet),
    conversationOutcome: null,
    sections: keyPointsSection(strings(document.keyPoints)),
    actionItems: records(document.actionItems).flatMap(legacyActionItem),
    sentiment: {
      overall,
      score: null,
      reason: text(sentiment.reason),
      userSentiment: party,
      contactSentiment: party,
      progression: [],
      emotionalSignals: [],
    },
    tone: { ...tone, formality: null, energy: null, pace: null, byParty: { userTone: tone, contactTone: tone } },
    tags: strings(document.tags),
    qualityWarnings: strings(document.qualityWarnings),
  };
}

/** A v1/v2 bullet `{text, category, importance, sourceSegmentIds}` as a headed paragraph (category as header). */
function legacyBullet(bullet: Json): Json {
  return { ...bullet, header: text(bullet.category) ?? '', startTimestamp: null, paragraphs: strings([bullet.text]) };
}

function keyPointsSection(points: string[]): Json[] {
  if (points.length === 0) return [];
  const items = points.map((point) => ({ text: point, importance: 'high', speaker: null, sourceSegmentIds: [] }));
  return [{ id: 'sec_001', title: 'Key points', type: 'key_points', summary: null, items }];
}

const actionItemSchema = analysisSchema.shape.actionItems.element;

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
  intentMetadata: Object.fromEntries(Object.keys(actionItemSchema.shape.intentMetadata.shape).map((k) => [k, null])),
};

/** A legacy item with what it lacks filled in (`ownerSpeaker` was the label); one still unfit is dropped. */
function legacyActionItem(item: Json): Json[] {
  const filled = { ...ACTION_ITEM_DEFAULTS, ownerSpeakerLabel: text(item.ownerSpeaker), ...item };
  return actionItemSchema.safeParse(filled).success ? [filled] : [];
}
