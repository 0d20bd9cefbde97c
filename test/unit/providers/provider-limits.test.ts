import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLemonfoxClient } from '../../../src/providers/lemonfox/lemonfox-client.ts';
import { createPyannoteClient } from '../../../src/providers/pyannote/pyannote-client.ts';
import { createRequestBudget, type RequestBudget } from '../../../src/providers/request-budget.ts';
import {
  startSandboxProviders,
  type SandboxOptions,
  type SandboxProviders,
} from '../../../src/providers/sandbox/sandbox-providers.ts';
import { wavBytes } from '../../harness/audio.ts';

const audioPath = path.join(mkdtempSync(path.join(tmpdir(), 'scryon-limits-')), 'call.wav');
const audio = { path: audioPath, contentType: 'audio/wav', filename: 'call.wav' };
const signal = () => new AbortController().signal;

describe('provider fakes enforce the documented limits', () => {
  const open: Array<{ close(): Promise<void> }> = [];
  beforeAll(() => writeFileSync(audioPath, wavBytes(6)));
  afterEach(async () => {
    await Promise.all(open.splice(0).map((item) => item.close()));
  });

  async function fakes(options: SandboxOptions = {}): Promise<SandboxProviders> {
    const started = await startSandboxProviders(options);
    open.push(started);
    return started;
  }

  const get = (url: string, key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });

  it('pyannoteAI: 100 requests a minute per key, then 429 with Retry-After and the X-RateLimit headers', async () => {
    const { pyannoteBaseUrl, pyannote } = await fakes();
    const answers = [];
    for (let index = 0; index < 100; index += 1) answers.push(await get(`${pyannoteBaseUrl}/v1/test`, 'team-a'));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers[0]!.headers.get('x-ratelimit-limit')).toBe('100');
    expect(answers[99]!.headers.get('x-ratelimit-remaining')).toBe('0');
    const refused = await get(`${pyannoteBaseUrl}/v1/test`, 'team-a');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(await refused.json()).toMatchObject({ message: expect.any(String), requestId: expect.any(String) });
    expect(pyannote.overLimit).toBe(1);
    expect((await get(`${pyannoteBaseUrl}/v1/test`, 'team-b')).status).toBe(200);
  });

  it('OpenAI: every answer carries x-ratelimit-*; past the limit a 429 with retry-after', async () => {
    const { openaiBaseUrl, openai } = await fakes({
      rateLimits: { openai: { requests: 2, tokens: 10_000, windowMs: 60_000 } },
    });
    const chat = () =>
      fetch(`${openaiBaseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '{}' }] }),
      });
    const first = await chat();
    expect(first.status).toBe(200);
    expect(Object.fromEntries([...first.headers].filter(([name]) => name.startsWith('x-ratelimit')))).toMatchObject({
      'x-ratelimit-limit-requests': '2',
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '9850',
      'x-ratelimit-reset-requests': expect.stringMatching(/^\d+ms$/),
    });
    expect((await chat()).status).toBe(200);
    const refused = await chat();
    expect([refused.status, refused.headers.get('x-ratelimit-remaining-requests')]).toEqual([429, '0']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe('rate_limit_exceeded');
    expect(openai.overLimit).toBe(1);
  });

  it('a client with a budget matching the limit never meets a 429, and the job still completes', async () => {
    const limit = { requests: 3, windowMs: 300 };
    const started = await fakes({ rateLimits: { pyannote: limit }, pollsBeforeDone: 2 });
    const budget = await owned(
      createRequestBudget({ limits: { pyannote: { requestsPerWindow: 3, apiKey: 'k' } }, windowMs: 300 }),
    );
    const client = createPyannoteClient({
      apiKey: 'k',
      baseUrl: started.pyannoteBaseUrl,
      model: 'precision-2',
      pollIntervalMs: 10,
      timeoutMs: 20_000,
      budget,
    });
    const runs = await Promise.all(
      [1, 2].map((index) => client.diarize({ mediaKey: `media://scryon-limited-${index}`, audio }, signal())),
    );
    expect(runs.every((output) => Array.isArray((output as { diarization?: unknown }).diarization))).toBe(true);
    expect(started.pyannote.overLimit).toBe(0);
  });

  it('a 429 is waited out for its Retry-After and sent again, instead of failing the stage', async () => {
    const started = await fakes();
    started.lemonfox.failNext('transcribe', { status: 429, headers: { 'retry-after': '1' } });
    const budget = await owned(createRequestBudget({ limits: { lemonfox: { requestsPerWindow: 60, apiKey: 'k' } } }));
    const client = createLemonfoxClient({
      apiKey: 'k',
      baseUrl: started.lemonfoxBaseUrl,
      model: 'whisper-1',
      timeoutMs: 5_000,
      budget,
    });
    const sent = Date.now();
    expect(JSON.parse(await client.transcribe(audio, signal())).segments.length).toBeGreaterThan(0);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(950);
    expect(started.lemonfox.requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it('pyannoteAI: polls less often as a job runs long', async () => {
    const started = await fakes({ pollsBeforeDone: 1_000 });
    const client = createPyannoteClient({
      apiKey: 'k',
      baseUrl: started.pyannoteBaseUrl,
      model: 'precision-2',
      pollIntervalMs: 25,
      maxPollIntervalMs: 200,
      timeoutMs: 1_200,
    });
    await expect(client.diarize({ mediaKey: 'media://scryon-long', audio }, signal())).rejects.toMatchObject({
      code: 'diarization_timeout',
    });
    // 25, 50, 100, 200, 200 … ms: about ten polls in the time a fixed 25 ms interval would poll forty times.
    const polls = started.pyannote.requests.filter((request) => request.route === 'job').length;
    expect(polls).toBeGreaterThanOrEqual(5);
    expect(polls).toBeLessThanOrEqual(11);
  });

  async function owned(budget: Promise<RequestBudget>): Promise<RequestBudget> {
    const created = await budget;
    open.push(created);
    return created;
  }
});
