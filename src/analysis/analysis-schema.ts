import { z } from 'zod';
import { ROLES, speakerRoleSchema } from '../transcripts/transcript-document.ts';
import { EXAMPLE_ANALYSIS } from './analysis-example.ts';

/**
 * The analysis, defined once in two copies of one construction:
 *
 * - `analysisOutputSchema`, the LLM's structured output for schemaVersion 4
 *   (3 plus the judgements: outcome, followUpRequired, escalationRequired).
 *   Every property is required and nullable where a value may be unknown,
 *   because OpenAI's strict structured outputs allow no optional keys; the
 *   JSON Schema sent to the model is derived from it, so its parts carry no
 *   ids (no `$ref`s) and no examples.
 * - `analysisSchema` (`Analysis`), the stored document as every surface serves
 *   it: the same fields with named parts, the judgements optional (stored v3
 *   analyses are served without them), the version and the legacy aliases.
 */

/** The overall sentiment's values; the call list filters and counts by them. */
export const SENTIMENTS = ['positive', 'neutral', 'negative', 'mixed', 'unclear'] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

/** What the call achieved for whoever placed or took it; the call list filters and counts by it. */
export const OUTCOMES = ['achieved', 'partially_achieved', 'not_achieved', 'no_goal', 'unclear'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const CALL_TYPES = [
  'personal',
  'business',
  'sales',
  'support',
  'interview',
  'finance',
  'healthcare',
  'legal',
  'education',
  'unknown',
  'other',
] as const;
export const INTENTS = ['meeting', 'email', 'call', 'message', 'reminder', 'task', 'none'] as const;

type PartMeta = { id: string; description?: string; example?: unknown };

/** The parts of the analysis; `named` tags them with ids, descriptions and examples for the published contract. */
function analysisParts(named: boolean) {
  const tag = <T extends z.ZodType>(schema: T, meta: PartMeta): T => (named ? schema.meta(meta) : schema);
  const example = EXAMPLE_ANALYSIS;
  const segmentIds = z
    .array(z.string())
    .describe('ids of the transcript segments (seg_NNNN) that support this; [] when none');
  const level = tag(z.enum(['low', 'medium', 'high']), { id: 'AnalysisLevel' });
  const sentimentValue = tag(z.enum(SENTIMENTS), { id: 'Sentiment' });
  const role = named ? speakerRoleSchema : z.enum(ROLES);
  const cited = tag(z.object({ text: z.string(), sourceSegmentIds: segmentIds }), {
    id: 'CitedStatement',
    description: 'A decision, open question, risk or opportunity, with the segments it rests on',
    example: example.decisions[0],
  });

  const intentMetadata = tag(
    z.object({
      providerHint: z.enum(['meet', 'zoom', 'teams', 'phone', 'whatsapp', 'sms', 'telegram']).nullable(),
      attendees: z
        .array(tag(z.object({ name: z.string(), email: z.string().nullable() }), { id: 'ActionAttendee' }))
        .nullable(),
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
    }),
    { id: 'ActionIntentMetadata', description: 'What launching the intent needs; only what was said, the rest null' },
  );

  const score = z.number().min(-1).max(1).nullable();
  const notes = z.string().nullable();
  const partySentiment = tag(z.object({ overall: sentimentValue, score, notes }), { id: 'PartySentiment' });
  const text = z.string().nullable();
  const partyTone = tag(z.object({ overall: text, descriptors: z.array(z.string()), notes }), { id: 'PartyTone' });
  /** A statement of the call with the segments it rests on, under its own name. */
  const cites = <Fields extends z.ZodRawShape>(id: string, fields: Fields, example?: unknown) =>
    tag(z.object({ ...fields, sourceSegmentIds: segmentIds }), { id, ...(example === undefined ? {} : { example }) });

  const shape = {
    callType: tag(z.enum(CALL_TYPES), { id: 'CallType' }),
    suggestedTitle: z.string().nullable(),
    oneLineSummary: z.string().nullable(),
    executiveSummary: z.string().nullable(),
    executiveSummaryBullets: z.array(
      tag(z.object({ header: z.string(), startTimestamp: z.string().nullable(), paragraphs: z.array(z.string()) }), {
        id: 'SummaryBullet',
        description: 'A headed paragraph of the executive summary; startTimestamp is MM:SS or HH:MM:SS',
        example: example.executiveSummaryBullets[0],
      }),
    ),
    conversationOutcome: z.string().nullable(),
    sections: z.array(
      tag(
        z.object({
          id: z.string(),
          title: z.string(),
          type: z.string(),
          summary: z.string().nullable(),
          items: z.array(cites('AnalysisSectionItem', { text: z.string(), importance: level, speaker: text })),
        }),
        { id: 'AnalysisSection', example: example.sections[0] },
      ),
    ),
    keyDiscussionPoints: z.array(
      tag(
        z.object({
          text: z.string(),
          topic: z.string().nullable(),
          phase: tag(z.enum(['opening', 'middle', 'closing', 'followup']), { id: 'DiscussionPhase' }),
          importance: level,
          sourceSegmentIds: segmentIds,
        }),
        { id: 'KeyDiscussionPoint' },
      ),
    ),
    actionItems: z.array(
      tag(
        z.object({
          title: z.string(),
          description: z.string().nullable(),
          ownerSpeakerId: z.string().nullable(),
          ownerSpeakerLabel: z.string().nullable(),
          ownerDisplayName: z.string().nullable(),
          ownerRole: role.nullable(),
          dueDate: z.string().nullable().describe('YYYY-MM-DD only when a date was stated'),
          priority: level.nullable(),
          sourceSegmentIds: segmentIds,
          intent: tag(z.enum(INTENTS), { id: 'ActionIntent' }),
          intentMetadata,
        }),
        {
          id: 'ActionItemSuggestion',
          description: 'An action item as the analysis proposed it; the stored action items are made from these',
          example: example.actionItems[0],
        },
      ),
    ),
    nextSteps: z.array(cites('NextStep', { text: z.string(), ownerSpeaker: text, when: text })),
    importantDates: z.array(
      cites('ImportantDate', { description: z.string(), date: z.string().nullable() }, example.importantDates[0]),
    ),
    decisions: z.array(cited),
    commitments: z.array(cites('Commitment', { text: z.string(), ownerSpeakerId: text }, example.commitments[0])),
    openQuestions: z.array(cited),
    risks: z.array(cited),
    opportunities: z.array(cited),
    peopleMentioned: z.array(cites('PersonMentioned', { name: z.string(), context: z.string().nullable() })),
    numbersAndAmounts: z.array(cites('NumberMentioned', { value: z.string(), context: z.string().nullable() })),
    sentiment: tag(
      z.object({
        overall: sentimentValue,
        score,
        reason: z.string().nullable(),
        userSentiment: partySentiment,
        contactSentiment: partySentiment,
        progression: z.array(cites('SentimentShift', { phase: z.string(), overall: sentimentValue, note: text })),
        emotionalSignals: z.array(cites('EmotionalSignal', { signal: z.string(), speakerRole: role.nullable() })),
      }),
      {
        id: 'SentimentAnalysis',
        description: "The call's sentiment, overall, per party and as it moved",
        example: example.sentiment,
      },
    ),
    tone: tag(
      z.object({
        overall: z.string().nullable(),
        descriptors: z.array(z.string()),
        formality: z.enum(['formal', 'semi-formal', 'informal']).nullable(),
        energy: level.nullable(),
        pace: z.enum(['slow', 'normal', 'fast']).nullable(),
        notes,
        byParty: tag(z.object({ userTone: partyTone, contactTone: partyTone }), { id: 'ToneByParty' }),
      }),
      { id: 'ToneAnalysis', example: example.tone },
    ),
    tags: z.array(z.string()),
    qualityWarnings: z.array(z.string()),
  };
  return { shape, segmentIds };
}

const rationale = z
  .string()
  .nullable()
  .describe('one sentence saying why, or null when nothing said in the call supports it');

/** The model's copy: each judgement's verdict described for the model. */
function modelJudgements(segmentIds: z.ZodArray<z.ZodString>) {
  const grounds = { rationale, sourceSegmentIds: segmentIds };
  return {
    outcome: z.object({ result: z.enum(OUTCOMES).describe('whether the goal of the call was met'), ...grounds }),
    followUpRequired: z.object({ value: z.boolean().describe('someone has to act on this call again'), ...grounds }),
    escalationRequired: z.object({
      value: z.boolean().describe('the matter has to go to someone with more authority'),
      ...grounds,
    }),
  };
}

const modelParts = analysisParts(false);

export const analysisOutputSchema = z.object({ ...modelParts.shape, ...modelJudgements(modelParts.segmentIds) });

export type AnalysisOutput = z.infer<typeof analysisOutputSchema>;

export const ANALYSIS_SCHEMA_VERSION = 4;

/** The stored document: the grounded output plus its version; unknown keys pass through. */
export type AnalysisDocument = AnalysisOutput & { schemaVersion: number } & Record<string, unknown>;

const contractParts = analysisParts(true);
const grounds = { rationale, sourceSegmentIds: contractParts.segmentIds };
const BEFORE_V4 = 'Absent on analyses stored before schemaVersion 4.';
const alias = (of: string) => `Legacy alias of ${of}, for older clients; present when ${of} is a string`;

export const analysisOutcomeSchema = z
  .object({
    result: z.enum(OUTCOMES).meta({ id: 'Outcome', description: 'Whether the goal of the call was met' }),
    ...grounds,
  })
  .meta({
    id: 'AnalysisOutcome',
    description: 'Whether the goal of the call was met, and why',
    example: EXAMPLE_ANALYSIS.outcome,
  });

export const judgementSchema = z.object({ value: z.boolean().describe('the verdict'), ...grounds }).meta({
  id: 'Judgement',
  description: 'A yes/no verdict about the call, with one sentence saying why and the segments it rests on',
  example: EXAMPLE_ANALYSIS.followUpRequired,
});

/**
 * The stored analysis as REST, tRPC and GraphQL serve it. Unknown keys pass
 * through (the model's extras are kept); the declared ones are checked.
 */
export const analysisSchema = z
  .object({
    ...contractParts.shape,
    outcome: analysisOutcomeSchema.optional().describe(`Whether the goal of the call was met. ${BEFORE_V4}`),
    followUpRequired: judgementSchema.optional().describe(`Someone has to act on this call again. ${BEFORE_V4}`),
    escalationRequired: judgementSchema
      .optional()
      .describe(`The matter has to go to someone with more authority. ${BEFORE_V4}`),
    schemaVersion: z
      .int()
      .min(1)
      .describe('4; 3 for analyses stored before the judgements; 1 or 2 for legacy ones, read into this shape'),
    shortSummary: z
      .string()
      .optional()
      .meta({ deprecated: true, description: alias('oneLineSummary') }),
    detailedSummary: z
      .string()
      .optional()
      .meta({ deprecated: true, description: alias('executiveSummary') }),
    keyPoints: z.array(z.string()).optional().meta({
      deprecated: true,
      description: 'Legacy alias for older clients: the high-importance items of sections, in order',
    }),
  })
  .loose()
  .meta({
    id: 'Analysis',
    description: 'The structured analysis of a call (schemaVersion 4), with the legacy aliases older clients read',
    example: EXAMPLE_ANALYSIS,
  });

export type Analysis = z.infer<typeof analysisSchema>;

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
