import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANALYSIS_RESPONSE_FORMAT } from '../../../src/analysis/analysis-schema.ts';
import { createLemonfoxClient } from '../../../src/providers/lemonfox/lemonfox-client.ts';
import { createOpenAiAnalysisClient } from '../../../src/providers/openai/openai-analysis-client.ts';
import { ProviderError } from '../../../src/providers/provider-error.ts';
import { createPyannoteClient } from '../../../src/providers/pyannote/pyannote-client.ts';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';
import { wavBytes } from '../../harness/audio.ts';

describe('provider clients against their protocol fakes', () => {
  let fakes: SandboxProviders;
  const audioPath = path.join(mkdtempSync(path.join(tmpdir(), 'scryon-providers-')), 'call.wav');
  const audio = { path: audioPath, contentType: 'audio/wav', filename: 'call.wav' };
  const signal = () => new AbortController().signal;

  beforeAll(async () => {
    writeFileSync(audioPath, wavBytes(6));
    fakes = await startSandboxProviders();
  });
  afterAll(() => fakes.close());
  beforeEach(() => {
    fakes.lemonfox.reset();
    fakes.pyannote.reset();
    fakes.openai.reset();
  });

  const lemonfox = (timeoutMs = 5_000) =>
    createLemonfoxClient({ apiKey: 'k', baseUrl: fakes.lemonfoxBaseUrl, model: 'whisper-1', timeoutMs });
  const pyannote = (timeoutMs = 5_000) =>
    createPyannoteClient({
      apiKey: 'k',
      baseUrl: fakes.pyannoteBaseUrl,
      model: 'precision-2',
      pollIntervalMs: 20,
      timeoutMs,
    });
  const openai = () =>
    createOpenAiAnalysisClient({
      apiKey: 'k',
      baseUrl: fakes.openaiBaseUrl,
      model: 'gpt-4o-mini',
      timeoutMs: 5_000,
      temperature: 0.2,
    });

  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  };

  it('Lemonfox: sends the documented fields and gets verbose JSON with speakers and words', async () => {
    const raw = JSON.parse(await lemonfox().transcribe(audio, signal()));
    expect(raw.segments[0]).toMatchObject({ speaker: 'SPEAKER_00', words: expect.any(Array) });
    expect(fakes.lemonfox.requests[0]!.fields).toEqual({
      model: 'whisper-1',
      response_format: 'verbose_json',
      speaker_labels: 'true',
      'timestamp_granularities[]': ['word', 'segment'],
      task: 'transcribe',
    });
  });

  it.each([
    [{ status: 500 }, 'transient', 'transcription_5xx'],
    [{ status: 429, headers: { 'retry-after': '7' } }, 'transient', 'transcription_rate_limited'],
    [{ status: 400 }, 'permanent', 'transcription_4xx'],
    [{ malformed: true as const }, 'permanent', 'transcription_malformed_response'],
  ])('Lemonfox: classifies %o', async (fault, kind, code) => {
    fakes.lemonfox.failNext('transcribe', fault);
    const error = await failure(lemonfox().transcribe(audio, signal()));
    expect([error.kind, error.code]).toEqual([kind, code]);
    if (code === 'transcription_rate_limited') expect(error.retryAfterMs).toBe(7_000);
  });

  it('Lemonfox: a hung request times out as a transient failure', async () => {
    fakes.lemonfox.failNext('transcribe', { hang: true });
    const error = await failure(lemonfox(300).transcribe(audio, signal()));
    expect([error.kind, error.code]).toEqual(['transient', 'transcription_timeout']);
  });

  it('pyannote: uploads to the presigned URL, hints two speakers only when asked, polls to the result', async () => {
    const output = (await pyannote().diarize({ mediaKey: 'media://scryon-test', audio, maxSpeakers: 2 }, signal())) as {
      diarization: unknown[];
    };
    expect(output.diarization.length).toBeGreaterThan(0);
    expect(fakes.pyannote.succeeded('upload')[0]).toMatchObject({
      contentType: 'application/octet-stream',
      byteLength: wavBytes(6).length,
    });
    expect(fakes.pyannote.succeeded('diarize')[0]!.body).toEqual({
      model: 'precision-2',
      url: 'media://scryon-test',
      maxSpeakers: 2,
    });
    await pyannote().diarize({ mediaKey: 'media://scryon-test-2', audio }, signal());
    expect(fakes.pyannote.succeeded('diarize')[1]!.body).toEqual({
      model: 'precision-2',
      url: 'media://scryon-test-2',
    });
    expect(fakes.pyannote.requests.filter((request) => request.route === 'job').length).toBeGreaterThanOrEqual(4);
  });

  it('pyannote: gives up polling at its deadline', async () => {
    fakes.pyannote.pollsBeforeDone = 1_000;
    try {
      const error = await failure(pyannote(300).diarize({ mediaKey: 'media://scryon-slow', audio }, signal()));
      expect(error.code).toBe('diarization_timeout');
    } finally {
      fakes.pyannote.pollsBeforeDone = 1;
    }
  });

  it('pyannote: resumes a job it is told of instead of creating one, starts afresh when it is unknown', async () => {
    const created: string[] = [];
    await pyannote().diarize(
      { mediaKey: 'media://scryon-resume', audio, onJobCreated: (jobId) => created.push(jobId) },
      signal(),
    );
    expect(created).toHaveLength(1);
    fakes.pyannote.reset();
    const resumed = (await pyannote().diarize(
      { mediaKey: 'media://scryon-resume', audio, resumeJobId: created[0] },
      signal(),
    )) as { diarization: unknown[] };
    expect(resumed.diarization.length).toBeGreaterThan(0);
    expect(fakes.pyannote.requests.map((request) => request.route)).toEqual(['job']);
    fakes.pyannote.reset();
    await pyannote().diarize({ mediaKey: 'media://scryon-resume', audio, resumeJobId: 'no-such-job' }, signal());
    expect(fakes.pyannote.succeeded('diarize')).toHaveLength(1);
  });

  it('pyannote: enrols a voiceprint', async () => {
    expect(await pyannote().createVoiceprint(audio, signal())).toMatch(/^[A-Za-z0-9+/=]+$/);
  });

  it('OpenAI: sends the strict JSON schema and returns the content with the tokens it billed', async () => {
    const { content, usage } = await openai().complete(
      { system: 'rules', user: JSON.stringify({ transcript: { segments: [] } }) },
      ANALYSIS_RESPONSE_FORMAT,
      signal(),
    );
    expect(JSON.parse(content)).toHaveProperty('callType');
    expect(usage).toEqual({ inputTokens: 100, outputTokens: 50 });
    expect(fakes.openai.requests[0]!.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      response_format: { type: 'json_schema', json_schema: { strict: true } },
    });
  });

  it('OpenAI: 429 is transient with the retry-after-ms delay; 400 is permanent', async () => {
    fakes.openai.failNext('chat', { status: 429, headers: { 'retry-after-ms': '250' } }, { status: 400 });
    const limited = await failure(openai().complete({ system: 's', user: '{}' }, ANALYSIS_RESPONSE_FORMAT, signal()));
    expect([limited.kind, limited.code, limited.retryAfterMs]).toEqual(['transient', 'analysis_rate_limited', 250]);
    const refused = await failure(openai().complete({ system: 's', user: '{}' }, ANALYSIS_RESPONSE_FORMAT, signal()));
    expect([refused.kind, refused.code]).toEqual(['permanent', 'analysis_4xx']);
  });
});
