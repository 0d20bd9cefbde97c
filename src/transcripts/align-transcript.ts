import type { LemonfoxVerboseTranscript, LemonfoxWord, PyannoteDiarization, PyannoteTurn } from './provider-outputs.ts';
import type { Confidence } from './transcript-document.ts';

/** Where the speaker of each aligned segment came from. */
export type AlignmentMode = 'DIARIZATION' | 'PROVIDER_LABELS' | 'SINGLE_SPEAKER';

export interface AlignedSegment {
  sourceSpeakerId: string;
  startSeconds: number;
  endSeconds: number;
  text: string;
  alignmentConfidence: Confidence;
}

export interface AlignedTranscript {
  language: string | null;
  durationSeconds: number;
  mode: AlignmentMode;
  segments: AlignedSegment[];
}

/** The speaker id given to everything when no one told us who spoke. */
export const SINGLE_SPEAKER_ID = 'SPEAKER_00';

interface TimedSpan {
  start: number;
  end: number;
}

interface TranscriptUnit extends TimedSpan {
  text: string;
  speaker: string | null;
  words: LemonfoxWord[];
}

interface Attribution {
  speaker: string;
  /** 0..1: how much of the span the chosen speaker's turn covers. */
  coverage: number;
}

type Attribute = (span: TimedSpan, providerSpeaker: string | null) => Attribution;

/**
 * Attributes transcribed text to speakers: each word goes to the diarization
 * turn it overlaps most, segments stand in for words when Lemonfox gave none,
 * Lemonfox's own labels stand in for diarization, and one speaker is assumed
 * when neither exists.
 */
export function alignTranscript(
  transcript: LemonfoxVerboseTranscript,
  diarization: PyannoteDiarization | null,
): AlignedTranscript {
  const units = transcriptUnits(transcript);
  const turns = usableTurns(diarization);
  const mode: AlignmentMode =
    turns.length > 0 ? 'DIARIZATION' : hasProviderLabels(transcript) ? 'PROVIDER_LABELS' : 'SINGLE_SPEAKER';
  const attribute = attributionFor(mode, turns, firstProviderLabel(transcript));
  const segments = units.flatMap((unit) => alignUnit(unit, attribute, mode));
  return {
    language: transcript.language,
    durationSeconds: transcriptDuration(transcript, units),
    mode,
    segments,
  };
}

function attributionFor(mode: AlignmentMode, turns: PyannoteTurn[], firstLabel: string | null): Attribute {
  if (mode === 'DIARIZATION') return (span) => bestTurn(span, turns);
  if (mode === 'SINGLE_SPEAKER') return () => ({ speaker: SINGLE_SPEAKER_ID, coverage: 0 });
  // Lemonfox leaves some segments unlabelled; they belong to whoever spoke last.
  let lastLabel = firstLabel ?? SINGLE_SPEAKER_ID;
  return (_span, providerSpeaker) => {
    if (providerSpeaker) lastLabel = providerSpeaker;
    return { speaker: lastLabel, coverage: providerSpeaker ? 1 : 0 };
  };
}

function alignUnit(unit: TranscriptUnit, attribute: Attribute, mode: AlignmentMode): AlignedSegment[] {
  if (unit.words.length === 0) {
    const { speaker, coverage } = attribute(unit, unit.speaker);
    return [segmentOf(speaker, unit.start, unit.end, unit.text, segmentLevelConfidence(mode, coverage))];
  }
  const attributed = unit.words.map((word) => ({ word, ...attribute(word, word.speaker ?? unit.speaker) }));
  const texts = wordTexts(unit);
  const runs = splitIntoRuns(attributed);
  if (runs.length === 1) {
    const only = runs[0]!;
    return [segmentOf(only.speaker, unit.start, unit.end, unit.text, wordLevelConfidence(mode, only.coverages))];
  }
  return runs.map((run) =>
    segmentOf(
      run.speaker,
      run.start,
      run.end,
      texts.slice(run.from, run.to).join(' '),
      wordLevelConfidence(mode, run.coverages),
    ),
  );
}

interface SpeakerRun {
  speaker: string;
  from: number;
  to: number;
  start: number;
  end: number;
  coverages: number[];
}

function splitIntoRuns(attributed: Array<{ word: LemonfoxWord; speaker: string; coverage: number }>): SpeakerRun[] {
  const runs: SpeakerRun[] = [];
  attributed.forEach(({ word, speaker, coverage }, index) => {
    const current = runs.at(-1);
    if (current && current.speaker === speaker) {
      current.to = index + 1;
      current.end = Math.max(current.end, word.end);
      current.coverages.push(coverage);
    } else {
      runs.push({ speaker, from: index, to: index + 1, start: word.start, end: word.end, coverages: [coverage] });
    }
  });
  return runs;
}

/**
 * Whisper's word list drops punctuation the segment text keeps, so when the
 * segment text has exactly one token per word we split that text instead.
 */
function wordTexts(unit: TranscriptUnit): string[] {
  const tokens = unit.text.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === unit.words.length) return tokens;
  return unit.words.map((w) => w.word.trim());
}

function segmentOf(speaker: string, start: number, end: number, text: string, confidence: Confidence): AlignedSegment {
  return {
    sourceSpeakerId: speaker,
    startSeconds: start,
    endSeconds: Math.max(start, end),
    text: text.trim(),
    alignmentConfidence: confidence,
  };
}

function wordLevelConfidence(mode: AlignmentMode, coverages: number[]): Confidence {
  if (mode === 'SINGLE_SPEAKER') return 'LOW';
  const mean = coverages.reduce((sum, c) => sum + c, 0) / coverages.length;
  if (mode === 'PROVIDER_LABELS') return mean >= 0.5 ? 'MEDIUM' : 'LOW';
  if (mean >= 0.8) return 'HIGH';
  return mean >= 0.5 ? 'MEDIUM' : 'LOW';
}

/** A whole segment in one turn is never as certain as word-level evidence. */
function segmentLevelConfidence(mode: AlignmentMode, coverage: number): Confidence {
  if (mode === 'SINGLE_SPEAKER') return 'LOW';
  return coverage >= 0.8 ? 'MEDIUM' : 'LOW';
}

function bestTurn(span: TimedSpan, turns: PyannoteTurn[]): Attribution {
  let best: PyannoteTurn | undefined;
  let bestOverlap = 0;
  for (const turn of turns) {
    const overlap = overlapSeconds(span, turn);
    if (overlap > bestOverlap) {
      best = turn;
      bestOverlap = overlap;
    }
  }
  const duration = span.end - span.start;
  if (best) return { speaker: best.speaker, coverage: duration > 0 ? bestOverlap / duration : 1 };
  const nearest = nearestTurn(span, turns);
  const inside = distanceToTurn(span, nearest) === 0;
  return { speaker: nearest.speaker, coverage: inside ? 1 : 0 };
}

function nearestTurn(span: TimedSpan, turns: PyannoteTurn[]): PyannoteTurn {
  let nearest = turns[0]!;
  let nearestDistance = distanceToTurn(span, nearest);
  for (const turn of turns) {
    const distance = distanceToTurn(span, turn);
    if (distance < nearestDistance) {
      nearest = turn;
      nearestDistance = distance;
    }
  }
  return nearest;
}

function distanceToTurn(span: TimedSpan, turn: TimedSpan): number {
  const middle = (span.start + span.end) / 2;
  if (middle < turn.start) return turn.start - middle;
  if (middle > turn.end) return middle - turn.end;
  return 0;
}

function overlapSeconds(a: TimedSpan, b: TimedSpan): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/** Sorted so that ties between equally good turns are broken the same way every run. */
function usableTurns(diarization: PyannoteDiarization | null): PyannoteTurn[] {
  if (!diarization) return [];
  return diarization.diarization
    .filter((t) => t.end > t.start)
    .toSorted((a, b) => a.start - b.start || a.end - b.end || compareStrings(a.speaker, b.speaker));
}

function transcriptUnits(transcript: LemonfoxVerboseTranscript): TranscriptUnit[] {
  const topLevelWords = transcript.words ?? [];
  if (transcript.segments.length > 0) {
    const wordsBySegment = distributeWords(topLevelWords, transcript.segments);
    return transcript.segments.map((segment, index) => ({
      start: segment.start,
      end: Math.max(segment.start, segment.end),
      text: segment.text,
      speaker: segment.speaker,
      words: segment.words ?? wordsBySegment[index] ?? [],
    }));
  }
  if (topLevelWords.length > 0) {
    const first = topLevelWords[0]!;
    const last = topLevelWords.at(-1)!;
    const text = topLevelWords.map((w) => w.word.trim()).join(' ');
    return [{ start: first.start, end: last.end, text, speaker: null, words: topLevelWords }];
  }
  if (transcript.text.trim()) {
    return [{ start: 0, end: transcript.duration ?? 0, text: transcript.text, speaker: null, words: [] }];
  }
  return [];
}

/** Lemonfox may put words at the top level only; each goes to the segment it overlaps most. */
function distributeWords(words: LemonfoxWord[], segments: TimedSpan[]): LemonfoxWord[][] {
  const buckets: LemonfoxWord[][] = segments.map(() => []);
  for (const word of words) {
    let bestIndex = -1;
    let bestScore = -Infinity;
    segments.forEach((segment, index) => {
      const overlap = overlapSeconds(word, segment);
      const score = overlap > 0 ? overlap : -distanceToTurn(word, segment);
      if (score > bestScore) {
        bestScore = score;
        bestIndex = index;
      }
    });
    if (bestIndex >= 0) buckets[bestIndex]!.push(word);
  }
  return buckets;
}

function hasProviderLabels(transcript: LemonfoxVerboseTranscript): boolean {
  return firstProviderLabel(transcript) !== null;
}

function firstProviderLabel(transcript: LemonfoxVerboseTranscript): string | null {
  for (const segment of transcript.segments) {
    if (segment.speaker) return segment.speaker;
    const labelled = segment.words?.find((w) => w.speaker);
    if (labelled?.speaker) return labelled.speaker;
  }
  return transcript.words?.find((w) => w.speaker)?.speaker ?? null;
}

function transcriptDuration(transcript: LemonfoxVerboseTranscript, units: TranscriptUnit[]): number {
  let lastEnd = 0;
  for (const unit of units) {
    lastEnd = Math.max(lastEnd, unit.end);
    for (const word of unit.words) lastEnd = Math.max(lastEnd, word.end);
  }
  return Math.max(transcript.duration ?? 0, lastEnd);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
