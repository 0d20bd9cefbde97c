import { alignTranscript, type AlignedTranscript } from './align-transcript.ts';
import { renderCleanText } from './clean-text.ts';
import { normalizeTranscript } from './normalize-transcript.ts';
import { parseLemonfoxTranscript, parsePyannoteDiarization } from './provider-outputs.ts';
import { resolveSpeakers } from './resolve-speakers.ts';
import type {
  ResolvedSpeaker,
  SegmentToResolve,
  SpeakerContext,
  SpeakerToResolve,
  VoiceMatchResult,
} from './resolve-speakers.ts';
import {
  ALIGNMENT_VERSION,
  transcriptSpeakerSchema,
  NORMALIZATION_VERSION,
  TRANSCRIPT_SCHEMA_VERSION,
} from './transcript-document.ts';
import type {
  DiarizationProvider,
  PipelineProvenance,
  SpeakerResolution,
  TranscriptDocument,
  TranscriptSegment,
  TranscriptSpeaker,
} from './transcript-document.ts';

export interface TranscriptionProvenance {
  /** `lemonfox`, or `sandbox` when the in-process fake transcribed. */
  transcriptionProvider: string;
  transcriptionModel: string | null;
  /** e.g. `precision-2`; null when no diarization model ran. */
  diarizationModel: string | null;
}

export interface BuildTranscriptInput {
  callId: string;
  /** The stored `RAW_TRANSCRIPT_JSON`, parsed JSON or already through `parseLemonfoxTranscript`. */
  rawTranscript: unknown;
  /** The stored `DIARIZATION_JSON`, or null when diarization was off or failed. */
  diarization: unknown;
  diarizationProvider: DiarizationProvider;
  context: SpeakerContext;
  voiceMatch: VoiceMatchResult;
  provenance: TranscriptionProvenance;
  createdAt: Date | string;
}

/** What the document is built from besides the alignment: the call, who spoke, where the outputs came from. */
export type NormalizeTranscriptInput = Omit<BuildTranscriptInput, 'rawTranscript' | 'diarization'>;

/**
 * Stage TRANSCRIPT_ALIGNED: the stored provider outputs, parsed, with each
 * word given to a speaker. Throws ProviderOutputError on unreadable JSON.
 */
export function alignCallTranscript(rawTranscript: unknown, diarization: unknown): AlignedTranscript {
  const transcript = parseLemonfoxTranscript(rawTranscript);
  const turns = diarization == null ? null : parsePyannoteDiarization(diarization);
  return alignTranscript(transcript, turns);
}

/**
 * Stage TRANSCRIPT_NORMALIZED: the aligned transcript as chat bubbles, its
 * speakers resolved from what is known so far (the voice verdict, when one
 * is given, else the text and the call's metadata alone).
 */
export function normalizeCallTranscript(
  aligned: AlignedTranscript,
  input: NormalizeTranscriptInput,
): TranscriptDocument {
  const normalized = normalizeTranscript(aligned);
  const outcome = resolveSpeakers({
    speakers: normalized.speakers,
    segments: normalized.segments,
    context: input.context,
    voiceMatch: input.voiceMatch,
  });
  return assembleDocument({
    callId: input.callId,
    language: aligned.language,
    durationSeconds: normalized.durationSeconds,
    speakers: outcome.speakers,
    segments: normalized.segments,
    speakerResolution: outcome.speakerResolution,
    pipeline: pipelineProvenance(input.provenance, input.diarizationProvider),
    createdAt: typeof input.createdAt === 'string' ? input.createdAt : input.createdAt.toISOString(),
  });
}

/** Raw provider JSON to the stored transcript document: align → normalize → resolve speakers. */
export function buildTranscript(input: BuildTranscriptInput): TranscriptDocument {
  return normalizeCallTranscript(alignCallTranscript(input.rawTranscript, input.diarization), input);
}

/**
 * Stage SPEAKER_REFINED, and any later relabel: resolves the speakers of a
 * stored transcript again, for when the voice verdict arrived or the user's
 * name or the contact changed. Segments, times and provenance are
 * kept; names, roles, `cleanText` and `speakerResolution` are recomputed.
 */
export function relabelTranscript(
  document: TranscriptDocument,
  update: { context: SpeakerContext; voiceMatch: VoiceMatchResult },
): TranscriptDocument {
  const speakers: SpeakerToResolve[] = document.speakers.map((s) => ({
    speakerId: s.speakerId,
    sourceSpeakerId: s.sourceSpeakerId,
    label: s.label,
  }));
  const outcome = resolveSpeakers({
    speakers,
    segments: document.segments,
    context: update.context,
    voiceMatch: update.voiceMatch,
  });
  return assembleDocument({ ...document, speakers: outcome.speakers, speakerResolution: outcome.speakerResolution });
}

function pipelineProvenance(
  provenance: TranscriptionProvenance,
  diarizationProvider: DiarizationProvider,
): PipelineProvenance {
  return {
    transcriptionProvider: provenance.transcriptionProvider,
    transcriptionModel: provenance.transcriptionModel,
    diarizationProvider,
    diarizationModel: provenance.diarizationModel,
    alignmentVersion: ALIGNMENT_VERSION,
    normalizationVersion: NORMALIZATION_VERSION,
    status: diarizationProvider === 'pyannote-fallback' ? 'DEGRADED' : 'COMPLETED',
  };
}

interface SegmentSource extends SegmentToResolve {
  id: string;
  sourceSpeakerId: string;
  endSeconds: number;
  alignmentConfidence: TranscriptSegment['alignmentConfidence'];
}

function assembleDocument(parts: {
  callId: string;
  language: string | null;
  durationSeconds: number;
  speakers: ResolvedSpeaker[];
  segments: readonly SegmentSource[];
  speakerResolution: SpeakerResolution;
  pipeline: PipelineProvenance;
  createdAt: string;
}): TranscriptDocument {
  const speakers = parts.speakers.map(transcriptSpeaker);
  const byId = new Map(speakers.map((s) => [s.speakerId, s]));
  const segments = parts.segments.map((segment) => transcriptSegment(segment, byId.get(segment.speakerId)));
  return {
    schemaVersion: TRANSCRIPT_SCHEMA_VERSION,
    callId: parts.callId,
    language: parts.language,
    durationSeconds: parts.durationSeconds,
    cleanText: renderCleanText(segments.map((s) => ({ ...s, name: s.speaker }))),
    speakers,
    segments,
    speakerResolution: parts.speakerResolution,
    pipeline: parts.pipeline,
    createdAt: parts.createdAt,
  };
}

/** The stored speaker carries the document's fields only, checked against the one schema of them. */
function transcriptSpeaker(s: ResolvedSpeaker): TranscriptSpeaker {
  return transcriptSpeakerSchema.parse(s);
}

function transcriptSegment(segment: SegmentSource, speaker: TranscriptSpeaker | undefined): TranscriptSegment {
  const label = speaker?.label ?? segment.speakerId;
  const displayName = speaker?.displayName ?? null;
  return {
    id: segment.id,
    speaker: displayName ?? label,
    speakerLabel: label,
    speakerDisplayName: displayName,
    speakerId: segment.speakerId,
    sourceSpeakerId: segment.sourceSpeakerId,
    role: speaker?.role ?? 'UNKNOWN',
    startSeconds: segment.startSeconds,
    endSeconds: segment.endSeconds,
    text: segment.text,
    alignmentConfidence: segment.alignmentConfidence,
  };
}
