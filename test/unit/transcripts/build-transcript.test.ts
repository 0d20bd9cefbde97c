import { describe, expect, it } from 'vitest';
import {
  alignCallTranscript,
  buildTranscript,
  normalizeCallTranscript,
  relabelTranscript,
} from '../../../src/transcripts/build-transcript.ts';
import type { BuildTranscriptInput } from '../../../src/transcripts/build-transcript.ts';
import { VOICE_MATCH_DISABLED } from '../../../src/transcripts/resolve-speakers.ts';
import { ProviderOutputError } from '../../../src/transcripts/provider-outputs.ts';
import { parseTranscriptDocument } from '../../../src/transcripts/transcript-document.ts';

const RAW = {
  language: 'english',
  duration: 9,
  segments: [
    { id: 0, start: 0, end: 1, text: ' Hello?', speaker: 'SPEAKER_00' },
    { id: 1, start: 1.4, end: 4, text: ' Hi Ravi, it is about the quote.', speaker: 'SPEAKER_01' },
    { id: 2, start: 4.3, end: 8.5, text: ' Sure, I will send it tonight.', speaker: 'SPEAKER_00' },
  ],
};

function input(overrides: Partial<BuildTranscriptInput> = {}): BuildTranscriptInput {
  return {
    callId: 'call-1',
    rawTranscript: RAW,
    diarization: null,
    diarizationProvider: 'lemonfox',
    context: {
      userDisplayName: 'Praveen',
      contactName: 'Ravi',
      organization: null,
      phoneNumber: null,
      direction: 'OUTGOING',
    },
    voiceMatch: VOICE_MATCH_DISABLED,
    provenance: { transcriptionProvider: 'lemonfox', transcriptionModel: 'whisper-1', diarizationModel: null },
    createdAt: new Date('2026-05-29T13:00:00Z'),
    ...overrides,
  };
}

describe('buildTranscript', () => {
  it('produces a document that passes its own schema with resolved names on every segment', () => {
    const document = buildTranscript(input());
    expect(parseTranscriptDocument(document)).toEqual(document);
    expect(document.createdAt).toBe('2026-05-29T13:00:00.000Z');
    expect(document.segments.map((s) => [s.speakerLabel, s.speakerDisplayName, s.role])).toEqual([
      ['Speaker 1', 'Ravi', 'CONTACT'],
      ['Speaker 2', 'Praveen', 'USER'],
      ['Speaker 1', 'Ravi', 'CONTACT'],
    ]);
    expect(document.cleanText.split('\n')[1]).toBe('[00:01 - 00:04] Praveen: Hi Ravi, it is about the quote.');
  });

  it('falls back to the generic label in cleanText when a speaker has no name', () => {
    const document = buildTranscript(input({ context: { direction: 'INCOMING' } }));
    expect(document.cleanText.split('\n')[0]).toBe('[00:00 - 00:01] Speaker 1: Hello?');
    expect(document.segments[0]).toMatchObject({ speaker: 'Speaker 1', speakerDisplayName: null, role: 'UNKNOWN' });
  });

  it('records the pipeline provenance with the versions of this code', () => {
    expect(buildTranscript(input()).pipeline).toEqual({
      transcriptionProvider: 'lemonfox',
      transcriptionModel: 'whisper-1',
      diarizationProvider: 'lemonfox',
      diarizationModel: null,
      alignmentVersion: '1.0',
      normalizationVersion: 3,
      status: 'COMPLETED',
    });
  });

  it('marks a transcript built after a diarization fallback as degraded', () => {
    expect(buildTranscript(input({ diarizationProvider: 'pyannote-fallback' })).pipeline.status).toBe('DEGRADED');
  });

  it('fails with a provider error on an unreadable raw transcript', () => {
    expect(() => buildTranscript(input({ rawTranscript: { segments: 'nope' } }))).toThrow(ProviderOutputError);
  });

  it('gives the same bytes for the same input', () => {
    expect(JSON.stringify(buildTranscript(input()))).toBe(JSON.stringify(buildTranscript(input())));
  });
});

describe('alignCallTranscript and normalizeCallTranscript', () => {
  it('keep the diarization speaker ids through normalization', () => {
    const diarization = { diarization: [{ speaker: 'SPEAKER_07', start: 0, end: 9 }] };
    const aligned = alignCallTranscript(RAW, diarization);
    expect(aligned.language).toBe('english');
    const document = normalizeCallTranscript(aligned, input());
    expect(document.speakers.map((s) => [s.speakerId, s.sourceSpeakerId])).toEqual([['spk_1', 'SPEAKER_07']]);
  });

  it('normalized and then refined with the voice verdict, give what one build with it gives', () => {
    const verdict = { status: 'MATCHED', sourceSpeakerId: 'SPEAKER_00', score: 0.91, confidence: 'HIGH' } as const;
    const textOnly = normalizeCallTranscript(alignCallTranscript(RAW, null), input());
    const refined = relabelTranscript(textOnly, { context: input().context, voiceMatch: verdict });
    expect(refined).toEqual(buildTranscript(input({ voiceMatch: verdict })));
  });
});

describe('relabelTranscript', () => {
  it('re-resolves names from new context without touching segments or provenance', () => {
    const original = buildTranscript(input({ context: { direction: 'INCOMING' } }));
    const relabelled = relabelTranscript(original, {
      context: { userDisplayName: 'Praveen', contactName: 'Ravi', organization: 'Acme' },
      voiceMatch: VOICE_MATCH_DISABLED,
    });
    expect(relabelled.speakers.map((s) => s.displayName)).toEqual(['Ravi (Acme)', 'Praveen']);
    expect(relabelled.segments.map((s) => [s.id, s.text, s.startSeconds])).toEqual(
      original.segments.map((s) => [s.id, s.text, s.startSeconds]),
    );
    expect(relabelled.pipeline).toEqual(original.pipeline);
    expect(relabelled.cleanText).toContain('Ravi (Acme): Hello?');
    expect(relabelled.speakerResolution.warnings).toEqual([]);
  });

  it('gives back the same document when nothing changed', () => {
    const document = buildTranscript(input());
    expect(relabelTranscript(document, { context: input().context, voiceMatch: VOICE_MATCH_DISABLED })).toEqual(
      document,
    );
  });
});
