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

export const TRANSCRIPT_WARNINGS = ['answering_pattern_used', 'speaker_roles_unresolved', 'speaker_identity_ambiguous', 'multi_party_call_not_auto_resolved', 'positional_fallback_used'] as const;
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

const roleSchema = z.enum(ROLES);
const confidenceSchema = z.enum(CONFIDENCES);

export const transcriptSpeakerSchema = z.object({
  speakerId: z.string(),
  sourceSpeakerId: z.string(),
  label: z.string(),
  displayName: z.string().nullable(),
  role: roleSchema,
  confidence: confidenceSchema,
  labelSource: z.enum(LABEL_SOURCES),
  voiceMatchScore: z.number().min(0).max(1).nullable(),
  voiceProfileMatched: z.boolean(),
});
export type TranscriptSpeaker = z.infer<typeof transcriptSpeakerSchema>;

export const transcriptSegmentSchema = z.object({
  id: z.string(),
  speaker: z.string(),
  speakerLabel: z.string(),
  speakerDisplayName: z.string().nullable(),
  speakerId: z.string(),
  sourceSpeakerId: z.string(),
  role: roleSchema,
  startSeconds: z.number(),
  endSeconds: z.number(),
  text: z.string(),
  alignmentConfidence: confidenceSchema,
});
export type TranscriptSegment = z.infer<typeof transcriptSegmentSchema>;

/** Counts, booleans and codes only: this block is logged and shown, so it never carries a name or number. */
export const speakerResolutionSchema = z.object({
  strategyVersion: z.number().int(),
  usedUserDisplayName: z.boolean(),
  usedContactName: z.boolean(),
  usedDirection: z.boolean(),
  usedPhoneFallback: z.boolean(),
  voiceEmbeddingEnabled: z.boolean(),
  voiceProfileUsed: z.boolean(),
  voiceMatchStatus: z.enum(VOICE_MATCH_STATUSES),
  totalSpeakerCount: z.number().int(),
  resolvedSpeakerCount: z.number().int(),
  warnings: z.array(z.enum(TRANSCRIPT_WARNINGS)),
});
export type SpeakerResolution = z.infer<typeof speakerResolutionSchema>;

export const pipelineProvenanceSchema = z.object({
  transcriptionProvider: z.string(),
  transcriptionModel: z.string().nullable(),
  diarizationProvider: z.enum(DIARIZATION_PROVIDERS),
  diarizationModel: z.string().nullable(),
  alignmentVersion: z.string(),
  normalizationVersion: z.number().int(),
  status: z.enum(PIPELINE_STATUSES),
});
export type PipelineProvenance = z.infer<typeof pipelineProvenanceSchema>;

export const transcriptDocumentSchema = z.object({
  schemaVersion: z.literal(TRANSCRIPT_SCHEMA_VERSION),
  callId: z.string(),
  language: z.string().nullable(),
  durationSeconds: z.number().min(0),
  cleanText: z.string(),
  speakers: z.array(transcriptSpeakerSchema),
  segments: z.array(transcriptSegmentSchema),
  speakerResolution: speakerResolutionSchema,
  pipeline: pipelineProvenanceSchema,
  createdAt: z.string(),
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
