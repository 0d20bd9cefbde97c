import { describe, expect, it } from 'vitest';
import { cleanSpeechText, stripNonSpeech } from '../../../src/transcripts/speech-text.ts';
import { normalizeTranscript } from '../../../src/transcripts/normalize-transcript.ts';
import type { NormalizableSegment } from '../../../src/transcripts/normalize-transcript.ts';

const MB = 1_000_000;

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

function segment(speaker: string, start: number, end: number, text: string): NormalizableSegment {
  return { sourceSpeakerId: speaker, startSeconds: start, endSeconds: end, text, alignmentConfidence: 'HIGH' };
}

describe('clean-up of hostile provider text', () => {
  // Each shape was quadratic or worse before; on 2 MB such a scan never finishes.
  it.each([
    ['unclosed square brackets', '['],
    ['an unclosed parenthesis before a long word', '(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['apostrophes inside one word', "'a"],
    ['a hyphen chain that is not a stutter', 'ab-'],
    ['whitespace runs', ' \t \n  '],
  ])('cleans 2 MB of %s', (_, unit) => {
    const text = repeatTo(unit, 2 * MB);
    expect(typeof cleanSpeechText(text)).toBe('string');
  });

  it('removes deeply nested sound events in one sweep', () => {
    const depth = 100_000;
    const text = `Fine ${'(a '.repeat(depth)}x${' b)'.repeat(depth)} thanks.`;
    expect(stripNonSpeech(text)).toBe('Fine thanks.');
  });

  it('still removes only what the old rules removed', () => {
    expect(cleanSpeechText('So [BLANK_AUDIO] we agreed (laughs) on Friday.')).toBe('So we agreed on Friday.');
    expect(cleanSpeechText('Fine (background (door) noise) thanks.')).toBe('Fine thanks.');
    expect(cleanSpeechText('Keep (one two three four five six) words.')).toBe(
      'Keep (one two three four five six) words.',
    );
    expect(cleanSpeechText('A [note (x) here] and [unclosed')).toBe('A and [unclosed');
    expect(cleanSpeechText('(go-go-go) I-I-I know.')).toBe('I know.');
  });
});

describe('normalization of hostile transcripts', () => {
  it('splits a 1 MB monologue with no punctuation into bubbles', () => {
    // Distinct words: a repeated one would be collapsed as a Whisper loop.
    const text = Array.from({ length: MB / 8 }, (_, i) => `w${i}`).join(' ');
    const result = normalizeTranscript({ durationSeconds: 600, segments: [segment('A', 0, 600, text)] });
    expect(result.segments.length).toBeGreaterThan(1000);
    for (const s of result.segments) expect(s.text.length).toBeLessThanOrEqual(200);
  });

  it('merges a long run of one speaker in a single clean-up', () => {
    const turns = Array.from({ length: 50_000 }, (_, i) => segment('A', i, i + 0.5, `turn ${i}.`));
    const result = normalizeTranscript({
      durationSeconds: 60_000,
      segments: [...turns, segment('B', 50_001, 50_002, 'Bye.')],
    });
    expect(result.segments).toHaveLength(2);
    expect(result.segments[0]!.text.startsWith('turn 0. turn 1.')).toBe(true);
  });
});
