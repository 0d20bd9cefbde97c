import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PYANNOTE_WEBHOOK_MAX_BYTES } from '../../../src/providers/pyannote/pyannote-webhook.ts';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { freePort, waitFor } from '../../harness/free-port.ts';
import { gcsEnv, providerEnv, submitFixture, waitForStatus } from '../../harness/pipeline-app.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';
import { RawConnection } from '../../security/raw-http.ts';

/** Longer than the polls of the polling path would take to notice, far shorter than the webhook's 60 s safety net. */
const DIARIZE_MS = 2_000;
/** Personal data a body could carry: it must never reach a log line. */
const MARKER = `who-spoke-${randomUUID()}`;

/**
 * The API and the worker as separate instances on one database, as deployed: pyannoteAI's fake calls the
 * API's webhook route, which verifies it and announces the job on the event bus, where the worker that
 * waits for it hears it and fetches the job once.
 */
describe("pyannoteAI's job webhook, received by the API and heard by the worker", () => {
  const secret = `whs_${randomUUID()}`;
  let fakes: SandboxProviders;
  let api: TestApp;
  let worker: TestApp;
  let user: EmulatorUser;
  /** Every job end the worker's instance heard announced. */
  const announced: string[] = [];

  beforeAll(async () => {
    [fakes, user] = await Promise.all([startSandboxProviders({ pyannoteWebhookSecret: secret }), signUpUser()]);
    fakes.pyannote.latencyMs = { diarize: DIARIZE_MS };
    const port = await freePort();
    const env = {
      ...providerEnv(fakes),
      ...gcsEnv(),
      SCRYON_VOICE_EMBEDDING_ENABLED: 'false',
      SCRYON_PROVIDER_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
      PYANNOTE_WEBHOOK_SECRET: secret,
    };
    api = await startTestApp({ env, roles: { api: true, worker: false }, port, captureLogs: true });
    worker = await startTestApp({ shareWith: api, roles: { api: false, worker: true } });
    worker.app.services.signals.onProviderJobEnded((ended) => announced.push(ended.jobId));
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await fakes?.close();
  });
  beforeEach(() => {
    fakes.pyannote.reset();
    announced.length = 0;
  });

  const webhook = (body: string, headers: Record<string, string>) =>
    fetch(`${api.url}/webhooks/pyannote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const sign = (body: string | Buffer, timestamp = Math.floor(Date.now() / 1000), key = secret) => ({
    'x-request-timestamp': String(timestamp),
    'x-signature': createHmac('sha256', key).update(`v0:${timestamp}:`).update(body).digest('base64'),
  });
  const job = (jobId: string) =>
    JSON.stringify({ jobId, status: 'succeeded', output: { diarization: [{ speaker: MARKER, start: 0, end: 1 }] } });
  const jobPolls = () => fakes.pyannote.requests.filter((request) => request.route === 'job');
  /** A genuine delivery sent last: once the worker heard it, it heard everything the API announced before it. */
  const heardUpTo = async () => {
    const sentinel = `sentinel-${randomUUID()}`;
    expect((await webhook(job(sentinel), sign(job(sentinel)))).status).toBe(204);
    await waitFor(async () => announced.includes(sentinel), 'the sentinel announcement', 20_000);
    return announced.filter((jobId) => jobId !== sentinel);
  };

  it('diarizes a call with one GET /v1/jobs, woken by the webhook long before the safety net', {
    timeout: 120_000,
  }, async () => {
    const submitted = Date.now();
    const callId = await submitFixture(api, user.idToken, 'wav');
    expect(await waitForStatus(api, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    expect(Date.now() - submitted).toBeLessThan(50_000);

    const [created] = fakes.pyannote.succeeded('diarize');
    expect(created!.body).toMatchObject({ webhook: `${api.env.SCRYON_PROVIDER_CALLBACK_BASE_URL}/webhooks/pyannote` });
    expect(fakes.pyannote.webhooks).toEqual([{ jobId: expect.any(String), attempt: 0, status: 204 }]);
    const jobId = fakes.pyannote.webhooks[0]!.jobId;
    expect(announced).toContain(jobId);
    // Polling from 50 ms, doubling, asks about six times in two seconds: the webhook costs one request.
    expect(jobPolls().map((request) => request.path)).toEqual([`/v1/jobs/${jobId}`]);
    const transcript = await (await api.fetch(`/api/calls/${callId}/transcript`, { token: user.idToken })).json();
    expect(transcript.pipeline).toMatchObject({ diarizationProvider: 'pyannote' });
  });

  it.each([
    [
      'a forged signature',
      () => webhook(job(randomUUID()), sign(job('x'), undefined, 'not-the-secret')),
      401,
      'webhook_signature_invalid',
    ],
    [
      'a signature over other bytes',
      () => webhook(job(randomUUID()), sign(job('another-job'))),
      401,
      'webhook_signature_invalid',
    ],
    [
      'a stale timestamp',
      () => {
        const body = job(randomUUID());
        return webhook(body, sign(body, Math.floor(Date.now() / 1000) - 301));
      },
      401,
      'webhook_signature_invalid',
    ],
    ['no signature', () => webhook(job(randomUUID()), {}), 401, 'webhook_signature_invalid'],
    [
      'a signed body that is not JSON',
      () => webhook(`{"jobId": "${MARKER}`, sign(`{"jobId": "${MARKER}`)),
      400,
      'validation_failed',
    ],
    [
      'a signed body without a job id',
      () => webhook(`{"status":"${MARKER}"}`, sign(`{"status":"${MARKER}"}`)),
      400,
      'validation_failed',
    ],
  ])('answers %s with the documented %i and wakes nothing', async (_name, send, status, code) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    expect((await answer.json()).error.code).toBe(code);
    expect(await heardUpTo()).toEqual([]);
  });

  it.each([
    ['declared', (body: Buffer) => `Content-Length: ${body.length}\r\n\r\n`],
    ['chunked', (body: Buffer) => `Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n`],
  ])('answers a %s body over the limit 413 before reading it, and wakes nothing', async (_name, framing) => {
    const body = Buffer.from(job(randomUUID()).padEnd(PYANNOTE_WEBHOOK_MAX_BYTES + 1, ' '));
    const headers = Object.entries(sign(body))
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const connection = await RawConnection.open(api.url);
    try {
      connection.write(
        'POST /webhooks/pyannote HTTP/1.1\r\nHost: scryon.test\r\nContent-Type: application/json\r\n' +
          `${headers}${framing(body)}`,
      );
      connection.write(body);
      const answer = await connection.response();
      expect(answer?.status).toBe(413);
      expect(answer?.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    } finally {
      connection.destroy();
    }
    expect(await heardUpTo()).toEqual([]);
  });

  it('accepts a real delivery of a job nobody awaits (204: pyannoteAI stops retrying); all ignore it', async () => {
    const unknown = randomUUID();
    expect((await webhook(job(unknown), sign(job(unknown)))).status).toBe(204);
    expect(await heardUpTo()).toEqual([unknown]);
    expect(jobPolls()).toEqual([]);
  });

  it('never logs a body, and says why a delivery was refused', () => {
    expect(api.logLines.filter((line) => line.includes(MARKER))).toEqual([]);
    const refused = api.logLines
      .filter((line) => line.includes('pyannote webhook refused'))
      .map((line) => JSON.parse(line).reason);
    expect(new Set(refused)).toEqual(new Set(['signature', 'stale', 'unsigned', 'malformed']));
  });
});
