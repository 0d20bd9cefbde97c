import { describe, expect, it } from 'vitest';
import { BUBBLE_MAX_CHARS, normalizeTranscript } from '../../../src/transcripts/normalize-transcript.ts';
import type { NormalizableSegment } from '../../../src/transcripts/normalize-transcript.ts';
import { renderCleanText } from '../../../src/transcripts/clean-text.ts';
import type { Confidence } from '../../../src/transcripts/transcript-document.ts';

function seg(
  speaker: string,
  start: number,
  end: number,
  text: string,
  confidence: Confidence = 'HIGH',
): NormalizableSegment {
  return { sourceSpeakerId: speaker, startSeconds: start, endSeconds: end, text, alignmentConfidence: confidence };
}

function normalize(segments: NormalizableSegment[], durationSeconds = 60) {
  return normalizeTranscript({ durationSeconds, segments });
}

function texts(segments: NormalizableSegment[], durationSeconds = 60): string[] {
  return normalize(segments, durationSeconds).segments.map((s) => `${s.sourceSpeakerId}: ${s.text}`);
}

describe('dropping what is not speech', () => {
  it('drops empty and whitespace-only segments', () => {
    expect(texts([seg('A', 0, 1, ''), seg('B', 1, 2, '   '), seg('A', 2, 3, 'Hello.'), seg('B', 3, 4, 'Hi.')])).toEqual(
      ['A: Hello.', 'B: Hi.'],
    );
  });

  it('drops segments that are only non-speech tags', () => {
    const out = texts([
      seg('A', 0, 1, '[MUSIC]'),
      seg('B', 1, 2, '(laughs)'),
      seg('A', 2, 3, '*coughs*'),
      seg('B', 3, 4, '♪ la la la ♪'),
      seg('A', 4, 5, 'Okay.'),
      seg('B', 5, 6, 'Sure.'),
    ]);
    expect(out).toEqual(['A: Okay.', 'B: Sure.']);
  });

  it('removes tags inside speech and keeps the words', () => {
    expect(texts([seg('A', 0, 2, 'So [BLANK_AUDIO] we agreed (laughs) on Friday.'), seg('B', 2, 3, 'Yes.')])).toEqual([
      'A: So we agreed on Friday.',
      'B: Yes.',
    ]);
  });

  it('removes nested sound events completely', () => {
    expect(texts([seg('A', 0, 2, 'Fine (background (door) noise) thanks.'), seg('B', 2, 3, 'Yes.')])[0]).toBe(
      'A: Fine thanks.',
    );
  });
});

describe('Whisper stutter and loops', () => {
  it('collapses a word repeated three or more times', () => {
    expect(texts([seg('A', 0, 2, 'I I I think the the the the plan works.'), seg('B', 2, 3, 'Ok.')])[0]).toBe(
      'A: I think the plan works.',
    );
  });

  it('collapses a hyphenated stutter', () => {
    expect(texts([seg('A', 0, 2, 'I-I-I know.'), seg('B', 2, 3, 'Ok.')])[0]).toBe('A: I know.');
  });

  it('keeps a word said twice, which is ordinary speech', () => {
    expect(texts([seg('A', 0, 2, 'I know that that is true, bye-bye.'), seg('B', 2, 3, 'Ok.')])[0]).toBe(
      'A: I know that that is true, bye-bye.',
    );
  });

  it('collapses a hallucinated phrase loop to one occurrence with its final punctuation', () => {
    expect(
      texts([seg('A', 0, 9, 'Thank you. Thank you. Thank you. Thank you. Thank you.'), seg('B', 9, 10, 'Bye.')])[0],
    ).toBe('A: Thank you.');
    expect(texts([seg('A', 0, 5, 'you know you know you know what I mean'), seg('B', 5, 6, 'Yes.')])[0]).toBe(
      'A: you know what I mean',
    );
  });

  it('collapses a loop that runs across two segments of the same speaker', () => {
    expect(texts([seg('A', 0, 1, 'okay okay'), seg('A', 1, 2, 'okay, so'), seg('B', 2, 3, 'Yes.')])[0]).toBe(
      'A: okay, so',
    );
  });
});

describe('timing and duplicates', () => {
  it('moves a turn that starts a fraction of a second before the previous one ends', () => {
    const out = normalize([seg('A', 0, 2.3, 'Hello there.'), seg('B', 2.1, 4, 'Hi.')]).segments;
    expect(out.map((s) => [s.startSeconds, s.endSeconds])).toEqual([
      [0, 2.3],
      [2.3, 4],
    ]);
  });

  it('keeps real crosstalk that overlaps by more than half a second', () => {
    const out = normalize([seg('A', 0, 5, 'Let me finish my point.'), seg('B', 3, 6, 'But wait.')]).segments;
    expect(out.map((s) => [s.startSeconds, s.endSeconds])).toEqual([
      [0, 5],
      [3, 6],
    ]);
  });

  it('drops the same words emitted twice over the same audio', () => {
    expect(
      texts([seg('A', 0, 2, 'See you tomorrow.'), seg('A', 0.5, 2, 'see you tomorrow'), seg('B', 2, 3, 'Bye.')]),
    ).toEqual(['A: See you tomorrow.', 'B: Bye.']);
  });

  it('drops a duplicate attributed to the other speaker when it covers the same audio', () => {
    expect(
      texts([
        seg('A', 0, 2, 'The price is final.'),
        seg('B', 0.2, 1.9, 'The price is final.'),
        seg('B', 3, 4, 'Fine.'),
      ]),
    ).toEqual(['A: The price is final.', 'B: Fine.']);
  });

  it('keeps the same words said again later', () => {
    expect(texts([seg('A', 0, 1, 'Hello?'), seg('B', 1, 2, 'Yes.'), seg('A', 3, 4, 'Hello?')])).toEqual([
      'A: Hello?',
      'B: Yes.',
      'A: Hello?',
    ]);
  });

  it('clamps times into the call and stretches the duration to the last word', () => {
    const result = normalize([seg('A', -0.2, 1, 'Hi.'), seg('B', 1, 12.3456, 'Hello.')], 10);
    expect(result.durationSeconds).toBe(12.346);
    expect(result.segments.map((s) => [s.startSeconds, s.endSeconds])).toEqual([
      [0, 1],
      [1, 12.346],
    ]);
  });
});

describe('turns and ids', () => {
  it('merges adjacent turns of the same speaker and keeps the weaker alignment confidence', () => {
    const out = normalize([
      seg('A', 0, 1, 'Hi.', 'HIGH'),
      seg('A', 1.2, 2, 'How are you?', 'LOW'),
      seg('B', 2.5, 3, 'Good.'),
    ]).segments;
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({
      text: 'Hi. How are you?',
      startSeconds: 0,
      endSeconds: 2,
      alignmentConfidence: 'LOW',
    });
  });

  it('starts a new segment on every change of speaker', () => {
    const out = normalize([
      seg('A', 0, 1, 'One.'),
      seg('B', 1, 2, 'Two.'),
      seg('A', 2, 3, 'Three.'),
      seg('B', 3, 4, 'Four.'),
    ]).segments;
    expect(out.map((s) => s.speakerId)).toEqual(['spk_1', 'spk_2', 'spk_1', 'spk_2']);
  });

  it('numbers speakers by first appearance, not by provider label', () => {
    const result = normalize([seg('SPEAKER_01', 0, 1, 'First.'), seg('SPEAKER_00', 1, 2, 'Second.')]);
    expect(result.speakers).toEqual([
      { speakerId: 'spk_1', sourceSpeakerId: 'SPEAKER_01', label: 'Speaker 1' },
      { speakerId: 'spk_2', sourceSpeakerId: 'SPEAKER_00', label: 'Speaker 2' },
    ]);
    expect(result.segments.map((s) => s.speakerLabel)).toEqual(['Speaker 1', 'Speaker 2']);
  });

  it('breaks ties in time by the provider speaker id, whatever the input order', () => {
    const forwards = normalize([seg('SPEAKER_01', 0, 1, 'Yes.'), seg('SPEAKER_00', 0, 1, 'No.')]);
    const backwards = normalize([seg('SPEAKER_00', 0, 1, 'No.'), seg('SPEAKER_01', 0, 1, 'Yes.')]);
    expect(forwards).toEqual(backwards);
    expect(forwards.speakers[0]!.sourceSpeakerId).toBe('SPEAKER_00');
  });

  it('gives segments dense seg_NNNN ids in time order', () => {
    const out = normalize([seg('B', 2, 3, 'Two.'), seg('A', 0, 1, 'One.'), seg('A', 4, 5, 'Three.')]).segments;
    expect(out.map((s) => s.id)).toEqual(['seg_0001', 'seg_0002', 'seg_0003']);
    expect(out.map((s) => s.text)).toEqual(['One.', 'Two.', 'Three.']);
  });
});

describe('a call with one speaker', () => {
  const SENTENCES = [
    'So the first thing I want to cover today is the quarterly budget.',
    'We spent a little more than planned on travel, mostly because of the Pune trip.',
    'Marketing came in under budget.',
    'I think we should move some of that money to the hiring plan, which is behind.',
    'Let me know what you think when you get this.',
    'Also, the vendor contract renews next month and I would like to renegotiate the support terms before then.',
  ];

  function monologue(minutes: number): NormalizableSegment[] {
    const segments: NormalizableSegment[] = [];
    const count = minutes * 15;
    for (let i = 0; i < count; i++) {
      segments.push(
        seg('SPEAKER_00', i * 4, i * 4 + 3.6, SENTENCES[i % SENTENCES.length]!, i % 7 === 0 ? 'MEDIUM' : 'HIGH'),
      );
    }
    return segments;
  }

  it('turns a ten-minute monologue into readable, ordered bubbles that keep every word', () => {
    const input = monologue(10);
    const result = normalizeTranscript({ durationSeconds: 600, segments: input });
    const bubbles = result.segments;
    expect(result.speakers).toHaveLength(1);
    expect(bubbles.length).toBeGreaterThan(50);
    for (const bubble of bubbles) {
      expect(bubble.text.length).toBeLessThanOrEqual(BUBBLE_MAX_CHARS);
      expect(bubble.text).toMatch(/[.!?]$/);
      expect(bubble.startSeconds).toBeLessThanOrEqual(bubble.endSeconds);
      expect(bubble.endSeconds).toBeLessThanOrEqual(600);
    }
    bubbles.slice(1).forEach((bubble, i) => expect(bubble.startSeconds).toBeGreaterThanOrEqual(bubbles[i]!.endSeconds));
    expect(bubbles.map((b) => b.text).join(' ')).toBe(input.map((s) => s.text).join(' '));
    expect(bubbles[0]!.startSeconds).toBe(0);
    expect(bubbles.at(-1)!.endSeconds).toBe(input.at(-1)!.endSeconds);
  });

  it('interpolates bubble times inside one long segment by character position', () => {
    const text = SENTENCES.join(' ');
    const bubbles = normalize([seg('A', 10, 40, text)]).segments;
    expect(bubbles.length).toBeGreaterThan(1);
    expect(bubbles[0]!.startSeconds).toBe(10);
    expect(bubbles.at(-1)!.endSeconds).toBe(40);
    const secondStartOffset = text.indexOf(bubbles[1]!.text);
    expect(bubbles[1]!.startSeconds).toBeCloseTo(10 + (30 * secondStartOffset) / (text.length - 1), 2);
  });

  it('cuts a run-on sentence between words, never inside one', () => {
    const runOn = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    const bubbles = normalize([seg('A', 0, 30, runOn)]).segments;
    expect(bubbles.length).toBeGreaterThan(2);
    for (const b of bubbles) expect(b.text.length).toBeLessThanOrEqual(BUBBLE_MAX_CHARS);
    expect(bubbles.map((b) => b.text).join(' ')).toBe(runOn);
  });

  it('adds no speaker', () => {
    const result = normalize(monologue(2), 120);
    expect(new Set(result.segments.map((s) => s.speakerId))).toEqual(new Set(['spk_1']));
  });

  it('keeps the alignment confidence of the weakest segment a bubble draws on', () => {
    const bubbles = normalize([seg('A', 0, 2, 'Short one.', 'LOW'), seg('A', 2, 4, 'Short two.', 'HIGH')]).segments;
    expect(bubbles).toHaveLength(1);
    expect(bubbles[0]!.alignmentConfidence).toBe('LOW');
  });
});

describe('cleanText', () => {
  it('renders one [MM:SS - MM:SS] Name: text line per segment, minutes past an hour included', () => {
    expect(
      renderCleanText([
        { startSeconds: 0, endSeconds: 4.6, name: 'Praveen', text: 'Hi Ravi.' },
        { startSeconds: 4503.2, endSeconds: 4510.9, name: 'Ravi (Acme)', text: 'Bye.' },
      ]),
    ).toBe('[00:00 - 00:04] Praveen: Hi Ravi.\n[75:03 - 75:10] Ravi (Acme): Bye.');
  });
});
