import { z } from 'zod';
import { ROLES } from '../transcripts/transcript-document.ts';

/**
 * The LLM's structured output for analysis schemaVersion 4 (3 plus the
 * judgements: outcome, followUpRequired, escalationRequired). Every property is
 * required and nullable where a value may be unknown, because OpenAI's strict
 * structured outputs allow no optional keys; the JSON Schema sent to the model
 * is derived from this one definition.
 */

const segmentIds = z.array(z.string()).describe('ids of the transcript segments (seg_NNNN) that support this; [] when none');
const level = z.enum(['low', 'medium', 'high']);
/** The overall sentiment's values; the call list filters and counts by them. */
export const SENTIMENTS = ['positive', 'neutral', 'negative', 'mixed', 'unclear'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];
const sentimentValue = z.enum(SENTIMENTS);
const cited = z.object({ text: z.string(), sourceSegmentIds: segmentIds });

/** What the call achieved for whoever placed or took it; the call list filters and counts by it. */
export const OUTCOMES = ['achieved', 'partially_achieved', 'not_achieved', 'no_goal', 'unclear'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A judgement's grounds: grounding drops a rationale no segment supports. */
const grounds = {
  rationale: z.string().nullable().describe('one sentence saying why, or null when nothing said in the call supports it'),
  sourceSegmentIds: segmentIds,
};

export const CALL_TYPES = ['personal', 'business', 'sales', 'support', 'interview', 'finance', 'healthcare', 'legal', 'education', 'unknown', 'other'] as const;
export const INTENTS = ['meeting', 'email', 'call', 'message', 'reminder', 'task', 'none'] as const;

const intentMetadata = z.object({
  providerHint: z.enum(['meet', 'zoom', 'teams', 'phone', 'whatsapp', 'sms', 'telegram']).nullable(),
  attendees: z.array(z.object({ name: z.string(), email: z.string().nullable() })).nullable(),
  proposedAt: z.string().nullable(),
  durationMinutes: z.number().nullable(),
  title: z.string().nullable(),
  location: z.string().nullable(),
  toEmail: z.string().nullable(),
  toName: z.string().nullable(),
  subject: z.string().nullable(),
  bodyPreview: z.string().nullable(),
  phoneNumber: z.string().nullable(),
  contactName: z.string().nullable(),
  channel: z.string().nullable(),
  handle: z.string().nullable(),
  remindAt: z.string().nullable(),
  notes: z.string().nullable(),
});

const partySentiment = z.object({ overall: sentimentValue, score: z.number().min(-1).max(1).nullable(), notes: z.string().nullable() });
const partyTone = z.object({ overall: z.string().nullable(), descriptors: z.array(z.string()), notes: z.string().nullable() });

export const analysisOutputSchema = z.object({
  callType: z.enum(CALL_TYPES),
  suggestedTitle: z.string().nullable(),
  oneLineSummary: z.string().nullable(),
  executiveSummary: z.string().nullable(),
  executiveSummaryBullets: z.array(z.object({ header: z.string(), startTimestamp: z.string().nullable(), paragraphs: z.array(z.string()) })),
  conversationOutcome: z.string().nullable(),
  sections: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      type: z.string(),
      summary: z.string().nullable(),
      items: z.array(z.object({ text: z.string(), importance: level, speaker: z.string().nullable(), sourceSegmentIds: segmentIds })),
    }),
  ),
  keyDiscussionPoints: z.array(
    z.object({ text: z.string(), topic: z.string().nullable(), phase: z.enum(['opening', 'middle', 'closing', 'followup']), importance: level, sourceSegmentIds: segmentIds }),
  ),
  actionItems: z.array(
    z.object({
      title: z.string(),
      description: z.string().nullable(),
      ownerSpeakerId: z.string().nullable(),
      ownerSpeakerLabel: z.string().nullable(),
      ownerDisplayName: z.string().nullable(),
      ownerRole: z.enum(ROLES).nullable(),
      dueDate: z.string().nullable().describe('YYYY-MM-DD only when a date was stated'),
      priority: level.nullable(),
      sourceSegmentIds: segmentIds,
      intent: z.enum(INTENTS),
      intentMetadata,
    }),
  ),
  nextSteps: z.array(z.object({ text: z.string(), ownerSpeaker: z.string().nullable(), when: z.string().nullable(), sourceSegmentIds: segmentIds })),
  importantDates: z.array(z.object({ description: z.string(), date: z.string().nullable(), sourceSegmentIds: segmentIds })),
  decisions: z.array(cited),
  commitments: z.array(z.object({ text: z.string(), ownerSpeakerId: z.string().nullable(), sourceSegmentIds: segmentIds })),
  openQuestions: z.array(cited),
  risks: z.array(cited),
  opportunities: z.array(cited),
  peopleMentioned: z.array(z.object({ name: z.string(), context: z.string().nullable(), sourceSegmentIds: segmentIds })),
  numbersAndAmounts: z.array(z.object({ value: z.string(), context: z.string().nullable(), sourceSegmentIds: segmentIds })),
  sentiment: z.object({
    overall: sentimentValue,
    score: z.number().min(-1).max(1).nullable(),
    reason: z.string().nullable(),
    userSentiment: partySentiment,
    contactSentiment: partySentiment,
    progression: z.array(z.object({ phase: z.string(), overall: sentimentValue, note: z.string().nullable(), sourceSegmentIds: segmentIds })),
    emotionalSignals: z.array(z.object({ signal: z.string(), speakerRole: z.enum(ROLES).nullable(), sourceSegmentIds: segmentIds })),
  }),
  tone: z.object({
    overall: z.string().nullable(),
    descriptors: z.array(z.string()),
    formality: z.enum(['formal', 'semi-formal', 'informal']).nullable(),
    energy: level.nullable(),
    pace: z.enum(['slow', 'normal', 'fast']).nullable(),
    notes: z.string().nullable(),
    byParty: z.object({ userTone: partyTone, contactTone: partyTone }),
  }),
  tags: z.array(z.string()),
  qualityWarnings: z.array(z.string()),
  outcome: z.object({ result: z.enum(OUTCOMES).describe('whether the goal of the call was met'), ...grounds }),
  followUpRequired: z.object({ value: z.boolean().describe('someone has to act on this call again'), ...grounds }),
  escalationRequired: z.object({ value: z.boolean().describe('the matter has to go to someone with more authority'), ...grounds }),
});

export type AnalysisOutput = z.infer<typeof analysisOutputSchema>;

export const ANALYSIS_SCHEMA_VERSION = 4;

/** The stored document: the grounded output plus its version; unknown keys pass through. */
export type AnalysisDocument = AnalysisOutput & { schemaVersion: number } & Record<string, unknown>;

/** The `response_format` for chat completions in strict JSON-schema mode. */
export const ANALYSIS_RESPONSE_FORMAT = {
  type: 'json_schema',
  json_schema: { name: 'call_analysis', strict: true, schema: strictJsonSchema(z.toJSONSchema(analysisOutputSchema)) },
} as const;

/** Strict mode: every object closed and every property listed as required. */
function strictJsonSchema(schema: unknown): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) if (key !== '$schema') copy[key] = walk(value);
    if (copy.type === 'object' && copy.properties && typeof copy.properties === 'object') {
      copy.additionalProperties = false;
      copy.required = Object.keys(copy.properties);
    }
    return copy;
  };
  return walk(schema) as Record<string, unknown>;
}
