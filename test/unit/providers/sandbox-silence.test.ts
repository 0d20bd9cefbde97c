import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLemonfoxClient } from '../../../src/providers/lemonfox/lemonfox-client.ts';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';
import { parseLemonfoxTranscript } from '../../../src/transcripts/provider-outputs.ts';
import { silentWavBytes, wavBytes } from '../../harness/audio.ts';

/** The sandbox hears what a real provider would: nothing in silence, the upload's names in speech. */
describe('the sandbox transcription provider', () => {
  let fakes: SandboxProviders;
  const dir = mkdtempSync(path.join(tmpdir(), 'scryon-sandbox-'));
  const file = (name: string, bytes: Buffer) => {
    writeFileSync(path.join(dir, name), bytes);
    return { path: path.join(dir, name), contentType: 'audio/wav', filename: name };
  };
  const signal = () => new AbortController().signal;
  const client = (namesInPrompt: boolean) => {
    const options = { apiKey: 'k', baseUrl: fakes.lemonfoxBaseUrl, model: 'whisper-1', timeoutMs: 5_000 };
    return createLemonfoxClient({ ...options, namesInPrompt });
  };

  beforeAll(async () => {
    fakes = await startSandboxProviders();
  });
  afterAll(() => fakes.close());

  it('hears no speech in 8 s of silence', async () => {
    const raw = JSON.parse(await client(false).transcribe(file('silence.wav', silentWavBytes(8)), signal()));
    expect(raw).toMatchObject({ text: '', segments: [], duration: 8 });
  });

  it('says the names it is given, and only when the client is told to send them', async () => {
    const names = { userName: 'Tom', contactName: 'Meera' };
    const cast = JSON.parse(await client(true).transcribe(file('tone.wav', wavBytes(13)), signal(), names));
    expect(cast.text).toContain('Meera');
    expect(cast.text).not.toMatch(/\bRavi\b/);
    const plain = JSON.parse(await client(false).transcribe(file('plain.wav', wavBytes(13)), signal(), names));
    expect(plain.text).toMatch(/\bRavi\b/);
    expect(fakes.lemonfox.requests.at(-1)?.fields).not.toHaveProperty('prompt');
  });
});

describe('segments Whisper marks as no speech', () => {
  const segment = (text: string, start: number, extra: Record<string, number>) => ({
    text,
    start,
    end: start + 2,
    ...extra,
  });

  it('are dropped with their words; the rest stays', () => {
    const parsed = parseLemonfoxTranscript({
      text: ' Hello there. Thanks for watching!',
      segments: [
        segment(' Hello there.', 0, { no_speech_prob: 0.02, avg_logprob: -0.2 }),
        segment(' Thanks for watching!', 10, { no_speech_prob: 0.91, avg_logprob: -1.4 }),
      ],
      words: [
        { word: 'Hello', start: 0, end: 0.5 },
        { word: 'there.', start: 0.5, end: 1 },
        { word: 'Thanks', start: 10, end: 10.5 },
      ],
    });
    expect(parsed.segments.map((s) => s.text)).toEqual([' Hello there.']);
    expect(parsed.words?.map((w) => w.word)).toEqual(['Hello', 'there.']);
    expect(parsed.text).toBe('Hello there.');
  });

  it('keep a segment Whisper was sure of, whatever its no-speech chance', () => {
    const sure = segment(' Yes.', 0, { no_speech_prob: 0.7, avg_logprob: -0.3 });
    const parsed = parseLemonfoxTranscript({ segments: [sure] });
    expect(parsed.segments).toHaveLength(1);
  });
});
