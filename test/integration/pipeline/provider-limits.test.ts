import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { gcsEnv, providerEnv, submitFixture, waitForStatus } from '../../harness/pipeline-app.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

/** Deliberately small, so three calls need more pyannoteAI requests than one window allows. */
const PER_MINUTE = 10;
const CALLS = 3;

/**
 * The pipeline against fakes that refuse past their limit, with the same limit configured: the calls
 * wait for the window to turn instead of meeting 429s, and every one is still diarized.
 */
describe('a few calls through the pipeline against rate-limiting provider fakes', () => {
  let fakes: SandboxProviders;
  let scryon: TestApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    const limit = { requests: PER_MINUTE, windowMs: 60_000 };
    [fakes, user] = await Promise.all([
      startSandboxProviders({ rateLimits: { lemonfox: limit, pyannote: limit, openai: limit } }),
      signUpUser(),
    ]);
    scryon = await startTestApp({
      env: {
        ...providerEnv(fakes),
        ...gcsEnv(),
        SCRYON_VOICE_EMBEDDING_ENABLED: 'false',
        // Keys of their own, so the shared Redis windows start empty whatever ran before.
        LEMONFOX_API_KEY: `limits-${randomUUID()}`,
        PYANNOTE_API_KEY: `limits-${randomUUID()}`,
        OPENAI_API_KEY: `limits-${randomUUID()}`,
        LEMONFOX_REQUESTS_PER_MINUTE: String(PER_MINUTE),
        PYANNOTE_REQUESTS_PER_MINUTE: String(PER_MINUTE),
        OPENAI_REQUESTS_PER_MINUTE: String(PER_MINUTE),
        SCRYON_PROVIDER_LIMITS_REDIS_URL: process.env.SCRYON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      },
    });
  });
  afterAll(async () => {
    await scryon?.close();
    await fakes?.close();
  });

  it('completes every call with diarization, never over the limit', { timeout: 240_000 }, async () => {
    const callIds = await Promise.all(Array.from({ length: CALLS }, () => submitFixture(scryon, user.idToken, 'wav')));
    for (const callId of callIds)
      expect(await waitForStatus(scryon, user.idToken, callId, ['COMPLETED', 'FAILED'], 200_000)).toBe('COMPLETED');
    for (const callId of callIds) {
      const transcript = await json(await scryon.fetch(`/api/calls/${callId}/transcript`, { token: user.idToken }));
      expect(transcript.pipeline).toMatchObject({ diarizationProvider: 'pyannote' });
    }
    // The pyannoteAI budget was spent past one window: the limit was met, and waited out.
    expect(fakes.pyannote.requests.filter((request) => request.route !== 'upload').length).toBeGreaterThan(PER_MINUTE);
    expect([fakes.lemonfox.overLimit, fakes.pyannote.overLimit, fakes.openai.overLimit]).toEqual([0, 0, 0]);
  });
});
