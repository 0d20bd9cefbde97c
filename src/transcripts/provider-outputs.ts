import { z } from 'zod';

/**
 * Raw provider outputs as stored in `RAW_TRANSCRIPT_JSON` and `DIARIZATION_JSON`.
 * Lemonfox publishes no schema for verbose_json, so everything beyond the timed
 * text is optional and unknown keys are ignored.
 */

const finiteSeconds = z.number().finite();
const optionalSpeaker = z.string().nullish();

const lemonfoxWordSchema = z.object({
  word: z.string(),
  start: finiteSeconds.nullish(),
  end: finiteSeconds.nullish(),
  speaker: optionalSpeaker,
});

const lemonfoxSegmentSchema = z.object({
  id: z.union([z.number(), z.string()]).nullish(),
  start: finiteSeconds,
  end: finiteSeconds,
  text: z.string().nullish(),
  speaker: optionalSpeaker,
  words: z.array(lemonfoxWordSchema).nullish(),
  /** Whisper's own verdict on the segment: the chance it holds no speech, and how sure it was of the text. */
  no_speech_prob: z.number().nullish(),
  avg_logprob: z.number().nullish(),
});

const lemonfoxTranscriptSchema = z
  .object({
    task: z.string().nullish(),
    language: z.string().nullish(),
    duration: finiteSeconds.nullish(),
    text: z.string().nullish(),
    segments: z.array(lemonfoxSegmentSchema).nullish(),
    words: z.array(lemonfoxWordSchema).nullish(),
  })
  .refine((t) => t.segments != null || t.words != null || t.text != null, {
    message: 'has neither segments, words nor text',
  });

export interface LemonfoxWord {
  word: string;
  start: number;
  end: number;
  speaker: string | null;
}

export interface LemonfoxSegment {
  id: number | string | null;
  start: number;
  end: number;
  text: string;
  speaker: string | null;
  words: LemonfoxWord[] | null;
}

export interface LemonfoxVerboseTranscript {
  language: string | null;
  duration: number | null;
  text: string;
  segments: LemonfoxSegment[];
  words: LemonfoxWord[] | null;
}

export interface PyannoteTurn {
  speaker: string;
  start: number;
  end: number;
}

export interface PyannoteDiarization {
  diarization: PyannoteTurn[];
}

const pyannoteTurnSchema = z.object({ speaker: z.string().min(1), start: finiteSeconds, end: finiteSeconds });
const pyannoteOutputSchema = z.object({ diarization: z.array(pyannoteTurnSchema) });
const pyannoteStoredSchema = z.union([pyannoteOutputSchema, z.object({ output: pyannoteOutputSchema })]);

export class ProviderOutputError extends Error {
  readonly provider: 'lemonfox' | 'pyannote';

  constructor(provider: 'lemonfox' | 'pyannote', detail: string) {
    super(`Unreadable ${provider} output: ${detail}`);
    this.name = 'ProviderOutputError';
    this.provider = provider;
  }
}

export function parseLemonfoxTranscript(json: unknown): LemonfoxVerboseTranscript {
  const parsed = lemonfoxTranscriptSchema.safeParse(json);
  if (!parsed.success) throw new ProviderOutputError('lemonfox', describeIssues(parsed.error));
  const raw = parsed.data;
  const heard = (raw.segments ?? []).filter((segment) => !markedNoSpeech(segment));
  const dropped = (raw.segments ?? []).filter(markedNoSpeech);
  const inDropped = (word: { start?: number | null }) =>
    word.start != null && dropped.some((segment) => word.start! >= segment.start && word.start! < segment.end);
  return {
    language: nonBlank(raw.language),
    duration: raw.duration ?? null,
    text: dropped.length
      ? heard
          .map((segment) => segment.text?.trim() ?? '')
          .join(' ')
          .trim()
      : (raw.text ?? ''),
    segments: heard.map((s) => ({
      id: s.id ?? null,
      start: s.start,
      end: s.end,
      text: s.text ?? '',
      speaker: nonBlank(s.speaker),
      words: s.words == null ? null : timedWords(s.words),
    })),
    words: raw.words == null ? null : timedWords(raw.words.filter((word) => !inDropped(word))),
  };
}

/**
 * Whisper's own rule for a segment it heard no speech in (no_speech_prob over
 * 0.6 while unsure of the text): on long silences it writes fluent sentences
 * nobody said, and marks them so. Such segments are dropped with their words.
 */
function markedNoSpeech(segment: { no_speech_prob?: number | null; avg_logprob?: number | null }): boolean {
  const noSpeech = segment.no_speech_prob ?? 0;
  return noSpeech > 0.6 && (segment.avg_logprob == null || segment.avg_logprob < -1);
}

/** Accepts the bare `output` object or the whole job response, since either may have been stored. */
export function parsePyannoteDiarization(json: unknown): PyannoteDiarization {
  const parsed = pyannoteStoredSchema.safeParse(json);
  if (!parsed.success) throw new ProviderOutputError('pyannote', describeIssues(parsed.error));
  const output = 'output' in parsed.data ? parsed.data.output : parsed.data;
  return { diarization: output.diarization.map((t) => ({ speaker: t.speaker, start: t.start, end: t.end })) };
}

/** Whisper sometimes emits words without timings; they cannot be aligned, so they are dropped here. */
function timedWords(words: z.infer<typeof lemonfoxWordSchema>[]): LemonfoxWord[] {
  const timed: LemonfoxWord[] = [];
  for (const w of words) {
    if (w.start == null || w.end == null) continue;
    timed.push({ word: w.word, start: w.start, end: Math.max(w.start, w.end), speaker: nonBlank(w.speaker) });
  }
  return timed;
}

function nonBlank(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
