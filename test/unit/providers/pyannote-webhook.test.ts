import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJobEndings, type JobEndingSource } from '../../../src/providers/pyannote/job-endings.ts';
import { createPyannoteClient } from '../../../src/providers/pyannote/pyannote-client.ts';
import {
  PYANNOTE_WEBHOOK_MAX_AGE_MS,
  verifyPyannoteWebhook,
} from '../../../src/providers/pyannote/pyannote-webhook.ts';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';
import { wavBytes } from '../../harness/audio.ts';

const SECRET = 'whs_unit-test-secret';

function signed(body: string, timestamp: number, encoding: 'base64' | 'hex' = 'base64', secret = SECRET) {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest(encoding);
  return { timestamp: String(timestamp), signature, body: Buffer.from(body) };
}

/** An event bus driven by hand. */
function manualSource() {
  const ended = new Set<(jobId: string) => void>();
  const reconnects = new Set<() => void>();
  const source: JobEndingSource = {
    onJobEnded: (listener) => (ended.add(listener), () => void ended.delete(listener)),
    onReconnect: (listener) => (reconnects.add(listener), () => void reconnects.delete(listener)),
  };
  return {
    source,
    announce: (jobId: string) => ended.forEach((listener) => listener(jobId)),
    reconnect: () => reconnects.forEach((listener) => listener()),
  };
}

describe("pyannoteAI's webhook signature", () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const seconds = Math.floor(now / 1000);
  const body = '{"jobId":"3c8a89c0-4b4d-4c53-9f2a-6a0d1f0c9c11","status":"succeeded","output":{"diarization":[]}}';

  it('accepts the documented base64 signature, and hex, over the raw bytes', () => {
    expect(verifyPyannoteWebhook(SECRET, signed(body, seconds), now)).toEqual({
      ok: true,
      jobId: '3c8a89c0-4b4d-4c53-9f2a-6a0d1f0c9c11',
    });
    expect(verifyPyannoteWebhook(SECRET, signed(body, seconds, 'hex'), now)).toMatchObject({ ok: true });
  });

  it.each([
    ['a forged signature', () => signed(body, seconds, 'base64', 'another-secret'), 'signature'],
    [
      'a body changed after signing',
      () => ({ ...signed(body, seconds), body: Buffer.from(body.replace('succeeded', 'failed')) }),
      'signature',
    ],
    [
      're-serialised JSON',
      () => ({ ...signed(body, seconds), body: Buffer.from(JSON.stringify(JSON.parse(body), null, 1)) }),
      'signature',
    ],
    [
      'a timestamp over five minutes old',
      () => signed(body, seconds - PYANNOTE_WEBHOOK_MAX_AGE_MS / 1000 - 1),
      'stale',
    ],
    ['a timestamp five minutes ahead', () => signed(body, seconds + PYANNOTE_WEBHOOK_MAX_AGE_MS / 1000 + 1), 'stale'],
    ['a timestamp in milliseconds', () => signed(body, now), 'stale'],
    ['no signature', () => ({ ...signed(body, seconds), signature: undefined }), 'unsigned'],
    ['no timestamp', () => ({ ...signed(body, seconds), timestamp: undefined }), 'unsigned'],
    [
      'a truncated signature',
      () => ({ ...signed(body, seconds), signature: signed(body, seconds).signature.slice(0, 20) }),
      'signature',
    ],
    ['a signed body that is not JSON', () => signed('{"jobId":', seconds), 'malformed'],
    ['a signed body without a job id', () => signed('{"status":"succeeded"}', seconds), 'malformed'],
    ['a signed job id that is not one', () => signed('{"jobId":"../../etc"}', seconds), 'malformed'],
  ])('refuses %s', (_name, request, reason) => {
    expect(verifyPyannoteWebhook(SECRET, request(), now)).toEqual({ ok: false, reason });
  });
});

describe('job endings heard from the bus', () => {
  const signal = () => new AbortController().signal;

  it('wakes the waiter of an announced job, and only it', async () => {
    const { source, announce } = manualSource();
    const endings = createJobEndings(source);
    const mine = endings.wait('job-a', 5_000, signal());
    const other = endings.wait('job-b', 100, signal());
    announce('job-a');
    expect(await mine).toBe(true);
    expect(await other).toBe(false);
  });

  it('finds an ending announced before its waiter came, and ignores one nobody ever waits for', async () => {
    const { source, announce } = manualSource();
    const endings = createJobEndings(source);
    announce('early');
    announce('unknown');
    expect(await endings.wait('early', 5_000, signal())).toBe(true);
    expect(await endings.wait('early', 50, signal())).toBe(false);
  });

  it('wakes every waiter when the bus reconnects, since announcements may have been missed', async () => {
    const { source, reconnect } = manualSource();
    const endings = createJobEndings(source);
    const waits = [endings.wait('job-a', 5_000, signal()), endings.wait('job-b', 5_000, signal())];
    reconnect();
    expect(await Promise.all(waits)).toEqual([true, true]);
  });

  it('stops waiting when the activity is cancelled', async () => {
    const { source } = manualSource();
    const controller = new AbortController();
    const waiting = createJobEndings(source).wait('job-a', 5_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});

describe('the pyannoteAI client with the webhook, against its fake over HTTP', () => {
  let fakes: SandboxProviders;
  let receiver: http.Server;
  let webhookUrl: string;
  const bus = manualSource();
  /** The receiver's next answers (after them, 204). */
  const refusals: number[] = [];
  /** Each delivery's `x-retry-num` and `x-retry-reason`. */
  const retries: Array<[string | undefined, string | undefined]> = [];
  const audioPath = path.join(mkdtempSync(path.join(tmpdir(), 'scryon-pyannote-webhook-')), 'call.wav');
  const audio = { path: audioPath, contentType: 'audio/wav', filename: 'call.wav' };
  const signal = () => new AbortController().signal;

  beforeAll(async () => {
    writeFileSync(audioPath, wavBytes(6));
    fakes = await startSandboxProviders({ pyannoteWebhookSecret: SECRET });
    // What the API route does, minus the bus: verify the raw bytes, then announce.
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const header = (name: string) => request.headers[name] as string | undefined;
        retries.push([header('x-retry-num'), header('x-retry-reason')]);
        const refusal = refusals.shift();
        if (refusal) return void response.writeHead(refusal).end();
        const verdict = verifyPyannoteWebhook(SECRET, {
          timestamp: header('x-request-timestamp'),
          signature: header('x-signature'),
          body: Buffer.concat(chunks),
        });
        if (verdict.ok) bus.announce(verdict.jobId);
        response.writeHead(verdict.ok ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/pyannote`;
  });
  afterAll(async () => {
    await fakes.close();
    await new Promise((resolve) => receiver.close(resolve));
  });
  beforeEach(() => {
    fakes.pyannote.reset();
    fakes.pyannote.latencyMs = { diarize: 600 };
    fakes.pyannote.webhookRetryDelaysMs = [0, 60_000, 300_000];
    refusals.length = 0;
    retries.length = 0;
  });

  const client = (webhook: boolean, safetyNetMs = 30_000) =>
    createPyannoteClient({
      apiKey: 'k',
      baseUrl: fakes.pyannoteBaseUrl,
      model: 'precision-2',
      pollIntervalMs: 20,
      timeoutMs: 10_000,
      ...(webhook ? { webhook: { url: webhookUrl, endings: createJobEndings(bus.source), safetyNetMs } } : {}),
    });
  const jobPolls = () => fakes.pyannote.requests.filter((request) => request.route === 'job').length;

  it('sends the webhook URL with the job and fetches the job once, where polling asks again and again', async () => {
    const heard = (await client(true).diarize({ mediaKey: 'media://scryon-webhook', audio }, signal())) as {
      diarization: unknown[];
    };
    expect(heard.diarization.length).toBeGreaterThan(0);
    expect(fakes.pyannote.succeeded('diarize')[0]!.body).toEqual({
      model: 'precision-2',
      url: 'media://scryon-webhook',
      webhook: webhookUrl,
    });
    expect(fakes.pyannote.webhooks).toEqual([{ jobId: expect.any(String), attempt: 0, status: 204 }]);
    expect(jobPolls()).toBe(1);

    fakes.pyannote.reset();
    await client(false).diarize({ mediaKey: 'media://scryon-polled', audio }, signal());
    expect(fakes.pyannote.succeeded('diarize')[0]!.body).not.toHaveProperty('webhook');
    expect(fakes.pyannote.webhooks).toEqual([]);
    expect(jobPolls()).toBeGreaterThanOrEqual(5);
  });

  it('a lost webhook costs latency, not the job: it is fetched at the safety-net interval', async () => {
    fakes.pyannote.failNext('webhook', { status: 0 });
    const started = Date.now();
    await client(true, 1_500).diarize({ mediaKey: 'media://scryon-lost', audio }, signal());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(fakes.pyannote.webhooks).toEqual([]);
    expect(jobPolls()).toBe(1);
  });

  it('the fake retries a refused delivery at once, numbering the retry, as pyannoteAI does', async () => {
    refusals.push(500);
    await client(true).diarize({ mediaKey: 'media://scryon-retried', audio }, signal());
    expect(fakes.pyannote.webhooks.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [0, 500],
      [1, 204],
    ]);
    expect(retries).toEqual([
      [undefined, undefined],
      ['1', 'http_error'],
    ]);
    expect(jobPolls()).toBe(1);
  });

  it('a resumed job is fetched once first, then waited for', async () => {
    const created = new AbortController();
    const jobIds: string[] = [];
    const first = client(true).diarize(
      {
        mediaKey: 'media://scryon-resumed',
        audio,
        onJobCreated: (jobId) => (jobIds.push(jobId), created.abort(new Error('worker lost'))),
      },
      created.signal,
    );
    await expect(first).rejects.toThrow('worker lost');
    fakes.pyannote.reset();
    const resumed = (await client(true).diarize(
      { mediaKey: 'media://scryon-resumed', audio, resumeJobId: jobIds[0] },
      signal(),
    )) as { diarization: unknown[] };
    expect(resumed.diarization.length).toBeGreaterThan(0);
    expect(fakes.pyannote.requests.map((request) => request.route)).toEqual(['job', 'job']);

    fakes.pyannote.reset();
    await client(true).diarize({ mediaKey: 'media://scryon-resumed', audio, resumeJobId: jobIds[0] }, signal());
    expect(fakes.pyannote.requests.map((request) => request.route)).toEqual(['job']);
  });

  it('gives up at the deadline when the job never ends', async () => {
    fakes.pyannote.latencyMs = { diarize: 60_000 };
    const slow = createPyannoteClient({
      apiKey: 'k',
      baseUrl: fakes.pyannoteBaseUrl,
      model: 'precision-2',
      pollIntervalMs: 20,
      timeoutMs: 400,
      webhook: { url: webhookUrl, endings: createJobEndings(bus.source), safetyNetMs: 30_000 },
    });
    await expect(slow.diarize({ mediaKey: 'media://scryon-never', audio }, signal())).rejects.toMatchObject({
      code: 'diarization_timeout',
    });
    expect(jobPolls()).toBe(1);
  });
});
