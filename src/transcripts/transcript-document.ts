import { z } from 'zod';

/**
 * The stored transcript, `NORMALIZED_TRANSCRIPT_JSON` (schemaVersion 2). Clients
 * render it as-is, so every field name and enum value here is wire contract.
 */

export const TRANSCRIPT_SCHEMA_VERSION = 2;
export const SPEAKER_RESOLUTION_STRATEGY_VERSION = 2;
export const ALIGNMENT_VERSION = '1.0';
export const NORMALIZATION_VERSION = 3;

export const ROLES = ['USER', 'CONTACT', 'UNKNOWN'] as const;
export type Role = (typeof ROLES)[number];

export const CONFIDENCES = ['HIGH', 'MEDIUM', 'LOW'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** Legacy names stay in the enum so older artifacts still parse. */
export const LABEL_SOURCES = [
  'DIARIZATION',
  'USER_PROFILE',
  'CONTACT_METADATA',
  'GREETING_MATCH',
  'NAME_MENTION',
  'BY_ELIMINATION',
  'PHONE_FALLBACK',
  'POSITIONAL_FALLBACK',
  'VOICE_EMBEDDING',
  'AMBIGUOUS',
  'MANUAL',
  'ANSWERING_PATTERN',
  'SELF_INTRODUCTION',
  'LLM_INFERENCE',
] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

export const TRANSCRIPT_WARNINGS = [
  'answering_pattern_used',
  'speaker_roles_unresolved',
  'speaker_identity_ambiguous',
  'multi_party_call_not_auto_resolved',
  'positional_fallback_used',
] as const;
export type TranscriptWarning = (typeof TRANSCRIPT_WARNINGS)[number];

export const VOICE_MATCH_STATUSES = ['MATCHED', 'NO_MATCH', 'AMBIGUOUS', 'DISABLED', 'SKIPPED'] as const;
export type VoiceMatchStatus = (typeof VOICE_MATCH_STATUSES)[number];

export const DIARIZATION_PROVIDERS = ['pyannote', 'pyannote-fallback', 'lemonfox', 'sandbox'] as const;
export type DiarizationProvider = (typeof DIARIZATION_PROVIDERS)[number];

/** `DEGRADED` marks a transcript built after a soft stage fell back (diarization). */
export const PIPELINE_STATUSES = ['COMPLETED', 'DEGRADED'] as const;
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];

export const CALL_DIRECTIONS = ['INCOMING', 'OUTGOING', 'UNKNOWN'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** Who spoke, as the transcript names sides: the caller's own user, the other party, or not known. */
export const speakerRoleSchema = z.enum(ROLES).meta({ id: 'SpeakerRole' });
const roleSchema = speakerRoleSchema;
const confidenceSchema = z.enum(CONFIDENCES).meta({ id: 'Confidence', description: 'LOW marks a fallback' });

export const transcriptSpeakerSchema = z
  .object({
    speakerId: z.string().describe('spk_N, numbered by first appearance'),
    sourceSpeakerId: z.string().describe("The diarization's own label (SPEAKER_00…)"),
    label: z.string().describe('The generic label, "Speaker 1"'),
    displayName: z.string().nullable().describe('The refined name, when one was resolved'),
    role: roleSchema,
    confidence: confidenceSchema,
    labelSource: z.enum(LABEL_SOURCES).meta({ id: 'LabelSource', description: 'Which rule named the speaker' }),
    voiceMatchScore: z.number().min(0).max(1).nullable(),
    voiceProfileMatched: z.boolean(),
  })
  .meta({ id: 'Speaker', description: 'One voice of the call and how it was named', example: exampleSpeakers()[1] });
export type TranscriptSpeaker = z.infer<typeof transcriptSpeakerSchema>;

export const transcriptSegmentSchema = z
  .object({
    id: z.string().describe('seg_NNNN, the id analyses cite in sourceSegmentIds'),
    speaker: z.string().describe('The name to show: displayName, else label'),
    speakerLabel: z.string(),
    speakerDisplayName: z.string().nullable(),
    speakerId: z.string(),
    sourceSpeakerId: z.string(),
    role: roleSchema,
    startSeconds: z.number(),
    endSeconds: z.number(),
    text: z.string(),
    alignmentConfidence: confidenceSchema,
  })
  .meta({ id: 'TranscriptSegment', description: "One speaker's turn", example: exampleSegments()[1] });
export type TranscriptSegment = z.infer<typeof transcriptSegmentSchema>;

/** Counts, booleans and codes only: this block is logged and shown, so it never carries a name or number. */
export const speakerResolutionSchema = z
  .object({
    strategyVersion: z.number().int(),
    usedUserDisplayName: z.boolean(),
    usedContactName: z.boolean(),
    usedDirection: z.boolean(),
    usedPhoneFallback: z.boolean(),
    voiceEmbeddingEnabled: z.boolean(),
    voiceProfileUsed: z.boolean(),
    voiceMatchStatus: z.enum(VOICE_MATCH_STATUSES).meta({ id: 'VoiceMatchStatus' }),
    totalSpeakerCount: z.number().int(),
    resolvedSpeakerCount: z.number().int(),
    warnings: z.array(z.enum(TRANSCRIPT_WARNINGS).meta({ id: 'TranscriptWarning' })),
  })
  .meta({ id: 'SpeakerResolution', description: 'How the speakers were named: counts, flags and codes only' });
export type SpeakerResolution = z.infer<typeof speakerResolutionSchema>;

export const pipelineProvenanceSchema = z
  .object({
    transcriptionProvider: z.string(),
    transcriptionModel: z.string().nullable(),
    diarizationProvider: z.enum(DIARIZATION_PROVIDERS).meta({ id: 'DiarizationProvider' }),
    diarizationModel: z.string().nullable(),
    alignmentVersion: z.string(),
    normalizationVersion: z.number().int(),
    status: z
      .enum(PIPELINE_STATUSES)
      .meta({ id: 'TranscriptPipelineStatus', description: 'DEGRADED: diarization fell back' }),
  })
  .meta({ id: 'TranscriptPipeline', description: 'Which providers and versions produced the transcript' });
export type PipelineProvenance = z.infer<typeof pipelineProvenanceSchema>;

export const transcriptDocumentSchema = z
  .object({
    schemaVersion: z.literal(TRANSCRIPT_SCHEMA_VERSION),
    callId: z.string(),
    language: z.string().nullable(),
    durationSeconds: z.number().min(0),
    cleanText: z.string().describe('One `[MM:SS - MM:SS] Name: text` line per segment'),
    speakers: z.array(transcriptSpeakerSchema),
    segments: z.array(transcriptSegmentSchema),
    speakerResolution: speakerResolutionSchema,
    pipeline: pipelineProvenanceSchema,
    createdAt: z.string(),
  })
  .meta({
    id: 'Transcript',
    description: 'The normalized, speaker-attributed transcript (schemaVersion 2), as stored',
    example: exampleTranscript(),
  });
export type TranscriptDocument = z.infer<typeof transcriptDocumentSchema>;

/** Reads a stored `NORMALIZED_TRANSCRIPT_JSON`; throws a ZodError naming the bad field. */
export function parseTranscriptDocument(json: unknown): TranscriptDocument {
  return transcriptDocumentSchema.parse(json);
}

export type {
  LemonfoxVerboseTranscript,
  LemonfoxSegment,
  LemonfoxWord,
  PyannoteDiarization,
  PyannoteTurn,
} from './provider-outputs.ts';
export { parseLemonfoxTranscript, parsePyannoteDiarization, ProviderOutputError } from './provider-outputs.ts';

/**
 * The schemas' examples: a short real-looking call about a delivery date. Functions, so they can sit at
 * the end; untyped, since the types come from the schemas that show them (a unit test parses them).
 */
function exampleSpeakers() {
  const speaker = (n: number, displayName: string, role: 'USER' | 'CONTACT') => ({
    speakerId: `spk_${n}`,
    sourceSpeakerId: `SPEAKER_0${n - 1}`,
    label: `Speaker ${n}`,
    displayName,
    role,
    confidence: 'HIGH' as const,
    labelSource: role === 'USER' ? ('USER_PROFILE' as const) : ('GREETING_MATCH' as const),
    voiceMatchScore: null,
    voiceProfileMatched: false,
  });
  return [speaker(1, 'You', 'USER'), speaker(2, 'Ravi', 'CONTACT')];
}

function exampleSegments() {
  type ExampleSpeaker = ReturnType<typeof exampleSpeakers>[number];
  const turn = (n: number, speaker: ExampleSpeaker, startSeconds: number, endSeconds: number, text: string) => ({
    id: `seg_000${n}`,
    speaker: speaker.displayName ?? speaker.label,
    speakerLabel: speaker.label,
    speakerDisplayName: speaker.displayName,
    speakerId: speaker.speakerId,
    sourceSpeakerId: speaker.sourceSpeakerId,
    role: speaker.role,
    startSeconds,
    endSeconds,
    text,
    alignmentConfidence: 'HIGH' as const,
  });
  const [you, ravi] = exampleSpeakers() as [ExampleSpeaker, ExampleSpeaker];
  return [
    turn(1, you, 0, 4.2, 'Hi Ravi, I am calling about the delivery for order 1182.'),
    turn(2, ravi, 4.6, 11.3, 'Yes, the truck leaves on Thursday, so it reaches you Friday morning, the 14th.'),
    turn(3, you, 11.8, 15.1, 'Friday works. Can you send me the tracking number once it leaves?'),
    turn(4, ravi, 15.5, 18.9, 'Sure, I will email it to you on Thursday.'),
  ];
}

function exampleTranscript() {
  const segments = exampleSegments();
  return {
    schemaVersion: TRANSCRIPT_SCHEMA_VERSION,
    callId: '3f6b1c2e-8a4d-4e7b-9c1a-5d2e7f8a9b0c',
    language: 'english',
    durationSeconds: 19.4,
    cleanText: [
      '[00:00 - 00:04] You: Hi Ravi, I am calling about the delivery for order 1182.',
      '[00:04 - 00:11] Ravi: Yes, the truck leaves on Thursday, so it reaches you Friday morning, the 14th.',
      '[00:11 - 00:15] You: Friday works. Can you send me the tracking number once it leaves?',
      '[00:15 - 00:18] Ravi: Sure, I will email it to you on Thursday.',
    ].join('\n'),
    speakers: exampleSpeakers(),
    segments,
    speakerResolution: {
      strategyVersion: SPEAKER_RESOLUTION_STRATEGY_VERSION,
      usedUserDisplayName: true,
      usedContactName: true,
      usedDirection: false,
      usedPhoneFallback: false,
      voiceEmbeddingEnabled: false,
      voiceProfileUsed: false,
      voiceMatchStatus: 'DISABLED',
      totalSpeakerCount: 2,
      resolvedSpeakerCount: 2,
      warnings: [],
    },
    pipeline: {
      transcriptionProvider: 'lemonfox',
      transcriptionModel: 'whisper-1',
      diarizationProvider: 'pyannote',
      diarizationModel: 'precision-2',
      alignmentVersion: ALIGNMENT_VERSION,
      normalizationVersion: NORMALIZATION_VERSION,
      status: 'COMPLETED',
    },
    createdAt: '2026-11-12T09:41:07.000Z',
  };
}
