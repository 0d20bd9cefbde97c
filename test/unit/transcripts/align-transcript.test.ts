import { describe, expect, it } from 'vitest';
import { alignTranscript, SINGLE_SPEAKER_ID } from '../../../src/transcripts/align-transcript.ts';
import {
  parseLemonfoxTranscript,
  parsePyannoteDiarization,
  ProviderOutputError,
} from '../../../src/transcripts/provider-outputs.ts';

const TWO_TURNS = parsePyannoteDiarization({
  diarization: [
    { speaker: 'SPEAKER_00', start: 0, end: 2.0 },
    { speaker: 'SPEAKER_01', start: 2.0, end: 5.0 },
  ],
});

function words(list: Array<[string, number, number, string?]>) {
  return list.map(([word, start, end, speaker]) => ({ word, start, end, ...(speaker ? { speaker } : {}) }));
}

describe('alignment with diarization', () => {
  it('gives each word to the turn it overlaps most and splits the segment at the change of speaker', () => {
    const transcript = parseLemonfoxTranscript({
      duration: 5,
      segments: [
        {
          start: 0,
          end: 4,
          text: ' Hello, Ravi here. Hi Ravi.',
          words: words([
            ['Hello', 0, 0.5],
            ['Ravi', 0.6, 1.0],
            ['here', 1.0, 1.9],
            ['Hi', 2.1, 2.4],
            ['Ravi', 2.4, 2.9],
          ]),
        },
      ],
    });
    const aligned = alignTranscript(transcript, TWO_TURNS);
    expect(aligned.mode).toBe('DIARIZATION');
    expect(aligned.segments).toEqual([
      {
        sourceSpeakerId: 'SPEAKER_00',
        startSeconds: 0,
        endSeconds: 1.9,
        text: 'Hello, Ravi here.',
        alignmentConfidence: 'HIGH',
      },
      {
        sourceSpeakerId: 'SPEAKER_01',
        startSeconds: 2.1,
        endSeconds: 2.9,
        text: 'Hi Ravi.',
        alignmentConfidence: 'HIGH',
      },
    ]);
  });

  it('uses the word list when the segment text does not split one token per word', () => {
    const transcript = parseLemonfoxTranscript({
      segments: [
        {
          start: 0,
          end: 4,
          text: 'Hello—yes okay',
          words: words([
            ['Hello', 0, 1],
            ['yes', 1.2, 1.8],
            ['okay', 2.2, 3],
          ]),
        },
      ],
    });
    expect(alignTranscript(transcript, TWO_TURNS).segments.map((s) => s.text)).toEqual(['Hello yes', 'okay']);
  });

  it('lowers the confidence of words that straddle two turns', () => {
    const transcript = parseLemonfoxTranscript({
      segments: [{ start: 1.6, end: 2.5, text: 'well', words: words([['well', 1.6, 2.5]]) }],
    });
    expect(alignTranscript(transcript, TWO_TURNS).segments[0]).toMatchObject({
      sourceSpeakerId: 'SPEAKER_01',
      alignmentConfidence: 'MEDIUM',
    });
  });

  it('gives a word in a gap between turns to the nearest turn', () => {
    const transcript = parseLemonfoxTranscript({
      segments: [{ start: 6, end: 6.4, text: 'bye', words: words([['bye', 6, 6.4]]) }],
    });
    expect(alignTranscript(transcript, TWO_TURNS).segments[0]).toMatchObject({
      sourceSpeakerId: 'SPEAKER_01',
      alignmentConfidence: 'LOW',
    });
  });

  it('distributes top-level words to the segments they fall in', () => {
    const transcript = parseLemonfoxTranscript({
      segments: [
        { start: 0, end: 1.8, text: 'Good morning.' },
        { start: 2.2, end: 4, text: 'Morning!' },
      ],
      words: words([
        ['Good', 0, 0.6],
        ['morning', 0.6, 1.8],
        ['Morning', 2.2, 4],
      ]),
    });
    expect(
      alignTranscript(transcript, TWO_TURNS).segments.map((s) => [s.sourceSpeakerId, s.text, s.alignmentConfidence]),
    ).toEqual([
      ['SPEAKER_00', 'Good morning.', 'HIGH'],
      ['SPEAKER_01', 'Morning!', 'HIGH'],
    ]);
  });

  it('falls back to whole segments when there are no word timings', () => {
    const transcript = parseLemonfoxTranscript({
      segments: [
        { start: 0, end: 1.9, text: 'Hello?' },
        { start: 1.5, end: 5, text: 'Hi, it is me.' },
      ],
    });
    expect(
      alignTranscript(transcript, TWO_TURNS).segments.map((s) => [s.sourceSpeakerId, s.alignmentConfidence]),
    ).toEqual([
      ['SPEAKER_00', 'MEDIUM'],
      ['SPEAKER_01', 'MEDIUM'],
    ]);
  });

  it('breaks an exact tie between turns the same way every time', () => {
    const transcript = parseLemonfoxTranscript({ segments: [{ start: 1, end: 3, text: 'tie' }] });
    const shuffled = { diarization: [...TWO_TURNS.diarization].reverse() };
    expect(alignTranscript(transcript, shuffled).segments).toEqual(alignTranscript(transcript, TWO_TURNS).segments);
    expect(alignTranscript(transcript, TWO_TURNS).segments[0]!.sourceSpeakerId).toBe('SPEAKER_00');
  });
});

describe('alignment without diarization', () => {
  it('uses Lemonfox speaker labels, carrying the last label over unlabelled segments', () => {
    const transcript = parseLemonfoxTranscript({
      segments: [
        { start: 0, end: 1, text: 'Hello?', speaker: 'SPEAKER_01' },
        { start: 1, end: 2, text: 'Hi.', speaker: 'SPEAKER_00' },
        { start: 2, end: 3, text: 'How are you?' },
      ],
    });
    const aligned = alignTranscript(transcript, null);
    expect(aligned.mode).toBe('PROVIDER_LABELS');
    expect(aligned.segments.map((s) => s.sourceSpeakerId)).toEqual(['SPEAKER_01', 'SPEAKER_00', 'SPEAKER_00']);
  });

  it('treats an empty diarization as none', () => {
    const transcript = parseLemonfoxTranscript({
      segments: [{ start: 0, end: 1, text: 'Hi.', speaker: 'SPEAKER_01' }],
    });
    expect(alignTranscript(transcript, { diarization: [] }).mode).toBe('PROVIDER_LABELS');
  });

  it('splits a segment by word-level provider labels', () => {
    const transcript = parseLemonfoxTranscript({
      segments: [
        {
          start: 0,
          end: 2,
          text: 'Hello? Yes.',
          speaker: 'SPEAKER_00',
          words: words([
            ['Hello?', 0, 0.8, 'SPEAKER_00'],
            ['Yes.', 1.2, 2, 'SPEAKER_01'],
          ]),
        },
      ],
    });
    expect(alignTranscript(transcript, null).segments.map((s) => [s.sourceSpeakerId, s.text])).toEqual([
      ['SPEAKER_00', 'Hello?'],
      ['SPEAKER_01', 'Yes.'],
    ]);
  });

  it('assumes a single speaker when nobody labelled speakers', () => {
    const transcript = parseLemonfoxTranscript({
      duration: 4,
      segments: [
        { start: 0, end: 2, text: 'One.' },
        { start: 2, end: 4, text: 'Two.' },
      ],
    });
    const aligned = alignTranscript(transcript, null);
    expect(aligned.mode).toBe('SINGLE_SPEAKER');
    expect(
      aligned.segments.every((s) => s.sourceSpeakerId === SINGLE_SPEAKER_ID && s.alignmentConfidence === 'LOW'),
    ).toBe(true);
  });

  it('builds one segment from text alone', () => {
    const aligned = alignTranscript(parseLemonfoxTranscript({ text: 'Just text.', duration: 3 }), null);
    expect(aligned.segments).toEqual([
      {
        sourceSpeakerId: SINGLE_SPEAKER_ID,
        startSeconds: 0,
        endSeconds: 3,
        text: 'Just text.',
        alignmentConfidence: 'LOW',
      },
    ]);
  });
});

describe('provider output parsing', () => {
  it('accepts verbose_json with speaker, words, id and language missing', () => {
    const parsed = parseLemonfoxTranscript({ segments: [{ start: 0, end: 1, text: 'Hi' }] });
    expect(parsed).toEqual({
      language: null,
      duration: null,
      text: '',
      segments: [{ id: null, start: 0, end: 1, text: 'Hi', speaker: null, words: null }],
      words: null,
    });
  });

  it('drops words without timings instead of failing', () => {
    const parsed = parseLemonfoxTranscript({
      segments: [],
      words: [
        { word: 'a', start: null, end: null },
        { word: 'b', start: 1, end: 2 },
      ],
    });
    expect(parsed.words).toEqual([{ word: 'b', start: 1, end: 2, speaker: null }]);
  });

  it.each([null, 'text', 42, {}, { segments: 'no' }, { segments: [{ start: 'x', end: 1, text: '' }] }])(
    'rejects unreadable Lemonfox output %j with a clear error',
    (garbage) => {
      expect(() => parseLemonfoxTranscript(garbage)).toThrow(ProviderOutputError);
      expect(() => parseLemonfoxTranscript(garbage)).toThrow(/Unreadable lemonfox output/);
    },
  );

  it('accepts the pyannote job response as well as its output', () => {
    const turn = { speaker: 'SPEAKER_00', start: 0.5, end: 3.2, confidence: { SPEAKER_00: 93 } };
    const expected = { diarization: [{ speaker: 'SPEAKER_00', start: 0.5, end: 3.2 }] };
    expect(parsePyannoteDiarization({ diarization: [turn] })).toEqual(expected);
    expect(parsePyannoteDiarization({ jobId: 'j', status: 'succeeded', output: { diarization: [turn] } })).toEqual(
      expected,
    );
  });

  it.each([null, [], { diarization: [{ speaker: '', start: 0, end: 1 }] }, { output: {} }])(
    'rejects unreadable pyannote output %j with a clear error',
    (garbage) => {
      expect(() => parsePyannoteDiarization(garbage)).toThrow(/Unreadable pyannote output/);
    },
  );
});
