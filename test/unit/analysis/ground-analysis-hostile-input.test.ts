import { describe, expect, it } from 'vitest';
import type { AnalysisTranscript } from '../../../src/analysis/analysis-input.ts';
import { groundAnalysis } from '../../../src/analysis/ground-analysis.ts';
import { sandboxAnalysis } from '../../../src/providers/sandbox/sandbox-analysis.ts';

const MB = 1_000_000;

function transcriptSaying(text: string): AnalysisTranscript {
  return {
    language: 'english',
    durationSeconds: 30,
    speakers: [
      { speakerId: 'spk_1', label: 'Speaker 1', displayName: 'José', role: 'CONTACT' },
      { speakerId: 'spk_2', label: 'Speaker 2', displayName: 'Praveen', role: 'USER' },
    ],
    segments: [
      { id: 'seg_0001', speakerId: 'spk_1', role: 'CONTACT', startSeconds: 0, endSeconds: 4, text },
      {
        id: 'seg_0002',
        speakerId: 'spk_2',
        role: 'USER',
        startSeconds: 4,
        endSeconds: 9,
        text: 'Mail me at ravi@acme.example.',
      },
    ],
  };
}

describe('grounding against hostile text', () => {
  // A long word with no "@" made the email pattern rescan it from every position: on 2 MB that never finishes.
  it.each([
    ['one long word', 'a'.repeat(2 * MB)],
    ['a long domain with no dot', `a@${'b'.repeat(2 * MB)}`],
    ['dots and plus signs', '.+'.repeat(MB)],
  ])('grounds a 2 MB segment of %s and keeps the spoken email', (_, text) => {
    // The model output is built from a small transcript: only grounding is under test here.
    const raw = {
      ...sandboxAnalysis(transcriptSaying('Hello.')),
      executiveSummary: `${text} write to ravi@acme.example or x@y.example`,
    };
    const transcript = transcriptSaying(text);
    const { analysis, corrections } = groundAnalysis(raw, transcript);
    expect(analysis.executiveSummary).toContain('ravi@acme.example');
    expect(analysis.executiveSummary).not.toContain('x@y.example');
    expect(corrections).toContain('invented_email_removed');
  });

  it('maps an owner written in another Unicode form onto the speaker', () => {
    const transcript = transcriptSaying('I will send the proposal.');
    const base = sandboxAnalysis(transcript);
    const item = {
      ...base.actionItems[0]!,
      ownerSpeakerId: null,
      ownerSpeakerLabel: null,
      ownerDisplayName: 'JOSE\u0301',
    };
    const { analysis } = groundAnalysis({ ...base, actionItems: [item] }, transcript);
    expect(analysis.actionItems[0]).toMatchObject({ ownerSpeakerId: 'spk_1', ownerDisplayName: 'José' });
  });
});
