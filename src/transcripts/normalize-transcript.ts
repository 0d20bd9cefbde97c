import { NORMALIZATION_VERSION } from './transcript-document.ts';
import type { Confidence } from './transcript-document.ts';
import {
  cleanSpeechText,
  collapseRepetitions,
  endsSentence,
  hasSpeech,
  nearlySameText,
  splitTokens,
  tokenKey,
} from './speech-text.ts';

export interface NormalizableSegment {
  sourceSpeakerId: string;
  startSeconds: number;
  endSeconds: number;
  text: string;
  alignmentConfidence: Confidence;
}

export interface NormalizedSegment extends NormalizableSegment {
  id: string;
  speakerId: string;
  speakerLabel: string;
}

export interface NormalizedSpeaker {
  speakerId: string;
  sourceSpeakerId: string;
  label: string;
}

export interface NormalizedTranscript {
  normalizationVersion: typeof NORMALIZATION_VERSION;
  durationSeconds: number;
  speakers: NormalizedSpeaker[];
  segments: NormalizedSegment[];
}

/** Readable chat bubble size for a one-speaker call. */
export const BUBBLE_MAX_CHARS = 200;
/** Overlaps up to this are timing jitter between turns; longer ones are real crosstalk and stay. */
export const TINY_OVERLAP_SECONDS = 0.5;
const MAX_NORMALIZATION_PASSES = 8;

/**
 * NORMALIZATION_VERSION 3: deterministic clean-up of aligned segments into chat
 * bubbles. The rules feed each other (a merge can expose a duplicate), so the
 * pass runs until nothing changes; that is also what makes normalizing an
 * already normalized transcript a no-op.
 */
export function normalizeTranscript(input: {
  durationSeconds: number;
  segments: readonly NormalizableSegment[];
}): NormalizedTranscript {
  const durationSeconds = callDuration(input);
  let segments = input.segments.map((s) => plainSegment(s));
  for (let pass = 0; pass < MAX_NORMALIZATION_PASSES; pass++) {
    const next = normalizeOnce(segments, durationSeconds);
    const stable = sameSegments(next, segments);
    segments = next;
    if (stable) break;
  }
  return { normalizationVersion: NORMALIZATION_VERSION, durationSeconds, ...assignIds(segments) };
}

function normalizeOnce(segments: NormalizableSegment[], durationSeconds: number): NormalizableSegment[] {
  const spoken = segments
    .map((s) => ({ ...clampTimes(s, durationSeconds), text: cleanSpeechText(s.text) }))
    .filter((s) => hasSpeech(s.text))
    .toSorted(compareSegments);
  const distinct = dropNearDuplicates(spoken);
  if (new Set(distinct.map((s) => s.sourceSpeakerId)).size === 1) return splitMonologue(distinct);
  return fixTinyOverlaps(mergeSameSpeakerTurns(distinct));
}

function callDuration(input: { durationSeconds: number; segments: readonly NormalizableSegment[] }): number {
  const lastEnd = input.segments.reduce((max, s) => Math.max(max, s.startSeconds, s.endSeconds), 0);
  return roundSeconds(Math.max(0, input.durationSeconds, lastEnd));
}

function clampTimes(segment: NormalizableSegment, durationSeconds: number): NormalizableSegment {
  const start = clamp(roundSeconds(segment.startSeconds), 0, durationSeconds);
  const end = clamp(roundSeconds(segment.endSeconds), start, durationSeconds);
  return { ...segment, startSeconds: start, endSeconds: end };
}

/**
 * Whisper sometimes emits the same stretch of audio twice. A duplicate has to
 * overlap the original in time: saying the same thing again later is speech.
 */
function dropNearDuplicates(segments: NormalizableSegment[]): NormalizableSegment[] {
  const kept: NormalizableSegment[] = [];
  // Segments come sorted by start, so one that has ended can overlap no later one: only those still open are compared.
  let open: NormalizableSegment[] = [];
  for (const segment of segments) {
    open = open.filter((earlier) => earlier.endSeconds > segment.startSeconds);
    if (open.some((earlier) => duplicates(earlier, segment))) continue;
    kept.push(segment);
    open.push(segment);
  }
  return kept;
}

function duplicates(earlier: NormalizableSegment, later: NormalizableSegment): boolean {
  const overlap = Math.min(earlier.endSeconds, later.endSeconds) - Math.max(earlier.startSeconds, later.startSeconds);
  if (overlap <= 0 || !nearlySameText(earlier.text, later.text)) return false;
  if (earlier.sourceSpeakerId === later.sourceSpeakerId) return true;
  const shorter = Math.min(earlier.endSeconds - earlier.startSeconds, later.endSeconds - later.startSeconds);
  return overlap >= shorter / 2;
}

/**
 * A run of turns is cleaned once as a whole: re-cleaning the growing text at every turn would be quadratic in the run.
 */
function mergeSameSpeakerTurns(segments: NormalizableSegment[]): NormalizableSegment[] {
  const runs: NormalizableSegment[][] = [];
  for (const segment of segments) {
    const run = runs.at(-1);
    if (run && run[0]!.sourceSpeakerId === segment.sourceSpeakerId) run.push(segment);
    else runs.push([segment]);
  }
  return runs.map(mergeRun);
}

function mergeRun(run: NormalizableSegment[]): NormalizableSegment {
  if (run.length === 1) return run[0]!;
  return {
    ...run[0]!,
    endSeconds: run.reduce((end, s) => Math.max(end, s.endSeconds), 0),
    text: cleanSpeechText(run.map((s) => s.text).join(' ')),
    alignmentConfidence: run.map((s) => s.alignmentConfidence).reduce(lowerConfidence),
  };
}

/**
 * Moves a turn's start to where the previous speech ended when they overlap by
 * a fraction of a second. A move that would reorder turns is not made, so the
 * sort order (and with it every id) survives this step.
 */
function fixTinyOverlaps(segments: NormalizableSegment[]): NormalizableSegment[] {
  const fixed = segments.map((s) => ({ ...s }));
  let changed = true;
  while (changed) {
    changed = false;
    let previousEnd = -Infinity;
    fixed.forEach((segment, index) => {
      const next = fixed[index + 1];
      const overlap = previousEnd - segment.startSeconds;
      const movable =
        overlap > 0 &&
        overlap <= TINY_OVERLAP_SECONDS &&
        segment.endSeconds > previousEnd &&
        (!next || next.startSeconds > previousEnd);
      if (movable) {
        segment.startSeconds = previousEnd;
        changed = true;
      }
      previousEnd = Math.max(previousEnd, segment.endSeconds);
    });
  }
  return fixed;
}

interface TimedToken {
  text: string;
  start: number;
  end: number;
  confidence: Confidence;
}

/**
 * A call with one speaker would otherwise be one wall of text. The turn is
 * re-cut at sentence ends into bubbles of at most BUBBLE_MAX_CHARS, each timed
 * by interpolating over the characters of the segments it came from.
 */
function splitMonologue(segments: NormalizableSegment[]): NormalizableSegment[] {
  const speaker = segments[0]?.sourceSpeakerId;
  if (speaker === undefined) return [];
  const tokens = collapseRepetitions(withoutSelfOverlap(segments).flatMap(timedTokens), (t) => tokenKey(t.text));
  return packBubbles(sentencesOf(tokens)).map((bubble) => bubbleSegment(speaker, bubble));
}

/** One person cannot say two things at once; overlapping pieces of a monologue are laid end to end. */
function withoutSelfOverlap(segments: NormalizableSegment[]): NormalizableSegment[] {
  let previousEnd = 0;
  return segments.map((segment) => {
    const start = Math.max(segment.startSeconds, previousEnd);
    const end = Math.max(segment.endSeconds, start);
    previousEnd = end;
    return { ...segment, startSeconds: start, endSeconds: end };
  });
}

function timedTokens(segment: NormalizableSegment): TimedToken[] {
  const lastOffset = Math.max(1, segment.text.length - 1);
  const span = segment.endSeconds - segment.startSeconds;
  const timeAt = (offset: number) => segment.startSeconds + (span * offset) / lastOffset;
  const tokens: TimedToken[] = [];
  let offset = 0;
  for (const text of splitTokens(segment.text)) {
    const at = segment.text.indexOf(text, offset);
    tokens.push({
      text,
      start: timeAt(at),
      end: timeAt(at + text.length - 1),
      confidence: segment.alignmentConfidence,
    });
    offset = at + text.length;
  }
  return tokens;
}

function sentencesOf(tokens: TimedToken[]): TimedToken[][] {
  const sentences: TimedToken[][] = [];
  let current: TimedToken[] = [];
  for (const token of tokens) {
    current.push(token);
    if (endsSentence(token.text)) {
      sentences.push(current);
      current = [];
    }
  }
  if (current.length > 0) sentences.push(current);
  return sentences;
}

function packBubbles(sentences: TimedToken[][]): TimedToken[][] {
  const bubbles: TimedToken[][] = [];
  let current: TimedToken[] = [];
  for (const piece of sentences.flatMap(splitLongSentence)) {
    if (current.length > 0 && textLength(current) + 1 + textLength(piece) > BUBBLE_MAX_CHARS) {
      bubbles.push(current);
      current = [];
    }
    current = current.concat(piece);
  }
  if (current.length > 0) bubbles.push(current);
  return bubbles;
}

/**
 * A run-on sentence is cut between words, after a comma when one falls in the
 * second half. Lengths come from prefix sums and pieces from indices, so a long
 * sentence costs time in proportion to its length, not to length × pieces.
 */
function splitLongSentence(sentence: TimedToken[]): TimedToken[][] {
  const prefix = [0];
  for (const token of sentence) prefix.push(prefix.at(-1)! + token.text.length);
  const spanLength = (from: number, to: number) => prefix[to]! - prefix[from]! + Math.max(0, to - from - 1);
  const pieces: TimedToken[][] = [];
  let start = 0;
  while (spanLength(start, sentence.length) > BUBBLE_MAX_CHARS) {
    let fit = start + 1;
    while (fit < sentence.length && spanLength(start, fit + 1) <= BUBBLE_MAX_CHARS) fit++;
    const cut = commaCut(sentence, start, fit, spanLength) ?? fit;
    pieces.push(sentence.slice(start, cut));
    start = cut;
  }
  if (start < sentence.length) pieces.push(sentence.slice(start));
  return pieces;
}

function commaCut(
  sentence: TimedToken[],
  start: number,
  fit: number,
  spanLength: (from: number, to: number) => number,
): number | null {
  for (let end = fit; end > start; end--) {
    if (spanLength(start, end) < BUBBLE_MAX_CHARS / 2) return null;
    if (/[,;:]$/.test(sentence[end - 1]!.text)) return end;
  }
  return null;
}

function bubbleSegment(speaker: string, tokens: TimedToken[]): NormalizableSegment {
  const first = tokens[0]!;
  const last = tokens.at(-1)!;
  const start = roundSeconds(first.start);
  return {
    sourceSpeakerId: speaker,
    startSeconds: start,
    endSeconds: Math.max(start, roundSeconds(last.end)),
    text: tokens.map((t) => t.text).join(' '),
    alignmentConfidence: tokens.map((t) => t.confidence).reduce(lowerConfidence),
  };
}

function textLength(tokens: TimedToken[]): number {
  return tokens.reduce((sum, t) => sum + t.text.length, 0) + Math.max(0, tokens.length - 1);
}

/** `spk_N` in order of first appearance and `seg_NNNN` in time order: the same input always gets the same ids. */
function assignIds(segments: NormalizableSegment[]): Pick<NormalizedTranscript, 'speakers' | 'segments'> {
  const speakers: NormalizedSpeaker[] = [];
  const bySource = new Map<string, NormalizedSpeaker>();
  const normalized = segments.map((segment, index) => {
    let speaker = bySource.get(segment.sourceSpeakerId);
    if (!speaker) {
      const n = speakers.length + 1;
      speaker = { speakerId: `spk_${n}`, sourceSpeakerId: segment.sourceSpeakerId, label: `Speaker ${n}` };
      speakers.push(speaker);
      bySource.set(segment.sourceSpeakerId, speaker);
    }
    return {
      id: `seg_${String(index + 1).padStart(4, '0')}`,
      speakerId: speaker.speakerId,
      speakerLabel: speaker.label,
      ...plainSegment(segment),
    };
  });
  return { speakers, segments: normalized };
}

function plainSegment(segment: NormalizableSegment): NormalizableSegment {
  return {
    sourceSpeakerId: segment.sourceSpeakerId,
    startSeconds: segment.startSeconds,
    endSeconds: segment.endSeconds,
    text: segment.text,
    alignmentConfidence: segment.alignmentConfidence,
  };
}

function sameSegments(a: NormalizableSegment[], b: NormalizableSegment[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((s, i) => {
    const o = b[i]!;
    return (
      s.sourceSpeakerId === o.sourceSpeakerId &&
      s.startSeconds === o.startSeconds &&
      s.endSeconds === o.endSeconds &&
      s.text === o.text &&
      s.alignmentConfidence === o.alignmentConfidence
    );
  });
}

export function compareSegments(a: NormalizableSegment, b: NormalizableSegment): number {
  return (
    a.startSeconds - b.startSeconds ||
    a.endSeconds - b.endSeconds ||
    (a.sourceSpeakerId < b.sourceSpeakerId ? -1 : a.sourceSpeakerId > b.sourceSpeakerId ? 1 : 0)
  );
}

const CONFIDENCE_RANK: Record<Confidence, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

function lowerConfidence(a: Confidence, b: Confidence): Confidence {
  return CONFIDENCE_RANK[a] <= CONFIDENCE_RANK[b] ? a : b;
}

/** Millisecond precision: enough for a transcript, and stable under a second normalization. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
