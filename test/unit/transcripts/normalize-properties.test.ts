import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeTranscript } from '../../../src/transcripts/normalize-transcript.ts';
import type { NormalizableSegment, NormalizedTranscript } from '../../../src/transcripts/normalize-transcript.ts';

const WORDS = [
  'hello',
  'the',
  'I',
  'you',
  'know',
  'okay.',
  'yes?',
  'again,',
  'Ravi',
  'so-so',
  'I-I-I',
  'that',
  '[MUSIC]',
  '(laughs)',
  '*coughs*',
  '(',
  ')',
  '-',
  '...',
  'Thank',
  'you.',
  'price',
  'is',
  'final!',
];

const segmentArb: fc.Arbitrary<NormalizableSegment> = fc
  .record({
    sourceSpeakerId: fc.constantFrom('SPEAKER_00', 'SPEAKER_01', 'SPEAKER_02'),
    startSeconds: fc.double({ min: -5, max: 300, noNaN: true }),
    length: fc.double({ min: 0, max: 25, noNaN: true }),
    words: fc.array(fc.constantFrom(...WORDS), { maxLength: 40 }),
    alignmentConfidence: fc.constantFrom('HIGH' as const, 'MEDIUM' as const, 'LOW' as const),
  })
  .map(({ length, words, ...rest }) => ({ ...rest, endSeconds: rest.startSeconds + length, text: words.join(' ') }));

/** Turn-taking with timing jitter, the shape real alignments have. */
const conversationArb: fc.Arbitrary<NormalizableSegment[]> = fc
  .array(
    fc.record({
      speaker: fc.constantFrom('SPEAKER_00', 'SPEAKER_01'),
      gap: fc.double({ min: -0.8, max: 3, noNaN: true }),
      length: fc.double({ min: 0.1, max: 12, noNaN: true }),
      words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 60 }),
    }),
    { maxLength: 40 },
  )
  .map((turns) => {
    let clock = 0;
    return turns.map((t) => {
      const start = Math.max(0, clock + t.gap);
      clock = start + t.length;
      return {
        sourceSpeakerId: t.speaker,
        startSeconds: start,
        endSeconds: clock,
        text: t.words.join(' '),
        alignmentConfidence: 'HIGH' as const,
      };
    });
  });

const inputArb = fc.record({
  durationSeconds: fc.double({ min: 0, max: 400, noNaN: true }),
  segments: fc.oneof(fc.array(segmentArb, { maxLength: 30 }), conversationArb),
});

function assertWellFormed(result: NormalizedTranscript): void {
  let previousStart = 0;
  result.segments.forEach((segment, index) => {
    expect(segment.id).toBe(`seg_${String(index + 1).padStart(4, '0')}`);
    expect(segment.startSeconds).toBeGreaterThanOrEqual(previousStart);
    expect(segment.startSeconds).toBeGreaterThanOrEqual(0);
    expect(segment.endSeconds).toBeGreaterThanOrEqual(segment.startSeconds);
    expect(segment.endSeconds).toBeLessThanOrEqual(result.durationSeconds);
    expect(segment.text.trim()).not.toBe('');
    previousStart = segment.startSeconds;
  });
  expect(result.speakers.map((s) => s.speakerId)).toEqual(result.speakers.map((_, i) => `spk_${i + 1}`));
  const firstAppearance = [...new Set(result.segments.map((s) => s.speakerId))];
  expect(firstAppearance).toEqual(result.speakers.map((s) => s.speakerId));
}

describe('normalization properties', () => {
  it('keeps segment times ordered and within the call', () => {
    fc.assert(
      fc.property(inputArb, (input) => assertWellFormed(normalizeTranscript(input))),
      { numRuns: 400 },
    );
  });

  it('gives the same ids to the same input every time', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        expect(normalizeTranscript(structuredClone(input))).toEqual(normalizeTranscript(input));
      }),
      { numRuns: 200 },
    );
  });

  it('changes nothing when run on its own output', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const once = normalizeTranscript(input);
        const twice = normalizeTranscript(once);
        expect(twice).toEqual(once);
      }),
      { numRuns: 400 },
    );
  });

  it('never invents a speaker', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const sources = new Set(input.segments.map((s) => s.sourceSpeakerId));
        for (const speaker of normalizeTranscript(input).speakers)
          expect(sources.has(speaker.sourceSpeakerId)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
