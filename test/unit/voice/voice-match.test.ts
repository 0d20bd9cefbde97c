import { describe, expect, it } from 'vitest';
import { scoreVoiceMatch } from '../../../src/voice/voice-match.ts';

const stored = [
  { speaker: 'SPEAKER_00', start: 0, end: 5 },
  { speaker: 'SPEAKER_01', start: 5, end: 10 },
];
/** pyannote's identify job labels speakers its own way; time overlap maps them back. */
const identify = (confidence: Record<string, number>) => ({
  output: {
    diarization: [
      { speaker: 'SPEAKER_A', start: 0.1, end: 4.9 },
      { speaker: 'SPEAKER_B', start: 5.1, end: 9.9 },
    ],
    voiceprints: Object.entries(confidence).map(([speaker, score]) => ({
      speaker,
      match: null,
      confidence: { me: score },
    })),
  },
});
const thresholds = { high: 0.85, medium: 0.75 };

describe('voice match scoring', () => {
  it.each([
    [
      { SPEAKER_A: 10, SPEAKER_B: 91 },
      { status: 'MATCHED', sourceSpeakerId: 'SPEAKER_01', confidence: 'HIGH', score: 0.91 },
    ],
    [
      { SPEAKER_A: 80, SPEAKER_B: 20 },
      { status: 'MATCHED', sourceSpeakerId: 'SPEAKER_00', confidence: 'MEDIUM', score: 0.8 },
    ],
    [
      { SPEAKER_A: 60, SPEAKER_B: 70 },
      { status: 'NO_MATCH', sourceSpeakerId: null, confidence: null },
    ],
    [
      { SPEAKER_A: 88, SPEAKER_B: 90 },
      { status: 'AMBIGUOUS', sourceSpeakerId: null, confidence: null },
    ],
  ])('scores %o as %o', (confidence, expected) => {
    expect(scoreVoiceMatch(identify(confidence), stored, 'me', thresholds)).toMatchObject(expected);
  });
});
