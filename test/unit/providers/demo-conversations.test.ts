import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLemonfoxClient } from '../../../src/providers/lemonfox/lemonfox-client.ts';
import { createPyannoteClient } from '../../../src/providers/pyannote/pyannote-client.ts';
import {
  demoConversationFor,
  heardDurationSeconds,
  timeScript,
} from '../../../src/providers/sandbox/conversation-script.ts';
import { DEMO_CONVERSATIONS } from '../../../src/providers/sandbox/demo-conversations.ts';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';
import { alignTranscript } from '../../../src/transcripts/align-transcript.ts';
import { parseLemonfoxTranscript, parsePyannoteDiarization } from '../../../src/transcripts/provider-outputs.ts';
import { resolveSpeakers, VOICE_MATCH_DISABLED } from '../../../src/transcripts/resolve-speakers.ts';
import { cleanSpeechText } from '../../../src/transcripts/speech-text.ts';
import { wavBytes } from '../../harness/audio.ts';

const conversations = DEMO_CONVERSATIONS.map((conversation) => [conversation.id, conversation] as const);

/** The same samples as `wav`, with a metadata chunk before them, as ffmpeg writes its WAVs. */
function withListChunk(wav: Buffer): Buffer {
  const list = Buffer.alloc(34);
  list.write('LIST', 0);
  list.writeUInt32LE(26, 4);
  list.write('INFOISFT', 8);
  list.writeUInt32LE(14, 16);
  list.write('Lavf61.7.100', 20);
  const out = Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

/**
 * The same header and number of samples as `wav`, other sample
 * values: what denoising does to the transcription variant.
 */
function denoised(wav: Buffer): Buffer {
  return Buffer.from(wav.map((byte, index) => (index < 44 ? byte : byte ^ 0x5a)));
}

describe('the demo conversations', () => {
  it.each(conversations)(
    '%s is two voices taking turns, in lines the normaliser keeps as they are',
    (_id, conversation) => {
      expect(conversation.lines.length).toBeGreaterThanOrEqual(8);
      conversation.lines.forEach((line, index) => {
        expect(line.speaker).toBe(index % 2 === 0 ? 'SPEAKER_00' : 'SPEAKER_01');
        expect(cleanSpeechText(line.text)).toBe(line.text);
        expect(line.text.split(' ').length).toBeGreaterThan(2);
      });
    },
  );

  it.each(conversations)('%s names Ravi (Acme) as the contact and Praveen as the user', (_id, conversation) => {
    const { speakers } = resolveSpeakers({
      speakers: [
        { speakerId: 'spk_1', sourceSpeakerId: 'SPEAKER_00', label: 'Speaker 1' },
        { speakerId: 'spk_2', sourceSpeakerId: 'SPEAKER_01', label: 'Speaker 2' },
      ],
      segments: conversation.lines.map((line, index) => ({
        speakerId: line.speaker === 'SPEAKER_00' ? 'spk_1' : 'spk_2',
        startSeconds: index * 3,
        text: line.text,
      })),
      context: { userDisplayName: 'Praveen', contactName: 'Ravi', direction: 'OUTGOING' },
      voiceMatch: VOICE_MATCH_DISABLED,
    });
    expect(speakers.map((speaker) => [speaker.displayName, speaker.role])).toEqual([
      ['Ravi (Acme)', 'CONTACT'],
      ['Praveen', 'USER'],
    ]);
  });

  it.each([0.2, 5, 13.1, 95.4, 1_800])(
    'are timed over %s s with every word inside its own speaker turn and no turns overlapping',
    (seconds) => {
      for (const conversation of DEMO_CONVERSATIONS) {
        const lines = timeScript(conversation.lines, seconds);
        lines.forEach((line, index) => {
          expect(line.end).toBeGreaterThan(line.start);
          if (index > 0) expect(line.start).toBeGreaterThan(lines[index - 1]!.end);
          for (const word of line.words) {
            expect(word.speaker).toBe(line.speaker);
            expect(word.start).toBeGreaterThanOrEqual(line.start);
            expect(word.end).toBeLessThanOrEqual(line.end);
          }
          expect(line.words.map((word) => word.word).join(' ')).toBe(line.text);
        });
      }
    },
  );

  it("picks a recording's call by whole seconds: same length, same call; consecutive lengths, every call", () => {
    expect(demoConversationFor(13.18)).toBe(demoConversationFor(13.9));
    const picked = [40, 41, 42, 43].map((seconds) => demoConversationFor(seconds).id);
    expect(new Set(picked).size).toBe(DEMO_CONVERSATIONS.length);
    expect(demoConversationFor(13.1).id).toBe('split-delivery');
  });
});

describe('the length the sandbox providers hear', () => {
  it('is the same for both preprocessed variants (same samples, other content and header), read from header', () => {
    const diarization = wavBytes(13.25);
    const transcription = withListChunk(denoised(diarization));
    expect(heardDurationSeconds(diarization)).toBe(13.2);
    expect(heardDurationSeconds(transcription)).toBe(13.2);
    expect(heardDurationSeconds(wavBytes(4, 8_000))).toBe(4);
  });

  it('is estimated from the byte count for compressed audio, which both providers then receive unchanged', () => {
    expect(heardDurationSeconds(readFileSync('test/fixtures/audio/two-party-call.m4a'))).toBe(16.4);
    expect(heardDurationSeconds(Buffer.alloc(30_000))).toBe(10);
  });
});

describe('a recording transcribed and diarized by the sandbox providers', () => {
  let fakes: SandboxProviders;
  const dir = mkdtempSync(path.join(tmpdir(), 'scryon-demo-'));
  const signal = () => new AbortController().signal;

  beforeAll(async () => {
    fakes = await startSandboxProviders({ pollsBeforeDone: 0 });
  });
  afterAll(() => fakes.close());

  async function alignedFrom(diarizationAudio: Buffer, transcriptionAudio: Buffer, name: string) {
    const [diarizationPath, transcriptionPath] = [`${name}-diarization`, `${name}-transcription`].map((file) =>
      path.join(dir, file),
    );
    writeFileSync(diarizationPath!, diarizationAudio);
    writeFileSync(transcriptionPath!, transcriptionAudio);
    const lemonfox = createLemonfoxClient({
      apiKey: 'k',
      baseUrl: fakes.lemonfoxBaseUrl,
      model: 'whisper-1',
      timeoutMs: 5_000,
    });
    const pyannote = createPyannoteClient({
      apiKey: 'k',
      baseUrl: fakes.pyannoteBaseUrl,
      model: 'precision-2',
      pollIntervalMs: 10,
      timeoutMs: 5_000,
    });
    const [raw, diarization] = await Promise.all([
      lemonfox.transcribe({ path: transcriptionPath!, contentType: 'audio/wav', filename: 'audio.wav' }, signal()),
      pyannote.diarize(
        {
          mediaKey: `media://scryon-${name}`,
          audio: { path: diarizationPath!, contentType: 'audio/wav', filename: 'audio' },
          maxSpeakers: 2,
        },
        signal(),
      ),
    ]);
    return alignTranscript(parseLemonfoxTranscript(JSON.parse(raw)), parsePyannoteDiarization(diarization));
  }

  it.each([
    [
      'preprocessed into two WAV variants',
      withListChunk(wavBytes(13.2)),
      withListChunk(denoised(wavBytes(13.2))),
      13.2,
    ],
    [
      'left as the original compressed upload',
      readFileSync('test/fixtures/audio/two-party-call.m4a'),
      readFileSync('test/fixtures/audio/two-party-call.m4a'),
      16.4,
    ],
    ['a long 8 kHz WAV', wavBytes(182, 8_000), wavBytes(182, 8_000), 182],
  ])(
    'aligns into the whole turns of one demo call when %s',
    async (name, diarizationAudio, transcriptionAudio, seconds) => {
      const aligned = await alignedFrom(diarizationAudio, transcriptionAudio, name.replace(/\W+/g, '-'));
      const expected = demoConversationFor(seconds).lines;
      expect(aligned.mode).toBe('DIARIZATION');
      expect(aligned.segments.map((segment) => [segment.sourceSpeakerId, segment.text])).toEqual(
        expected.map((line) => [line.speaker, line.text]),
      );
      expect(aligned.segments.every((segment) => segment.alignmentConfidence === 'HIGH')).toBe(true);
    },
  );
});
