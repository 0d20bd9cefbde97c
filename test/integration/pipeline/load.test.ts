import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProviders, type SandboxProviders } from '../../../src/providers/sandbox/sandbox-providers.ts';
import { json, uploadCall } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { longRecordings, type LongRecording } from '../../harness/long-recordings.ts';
import { gcsEnv, providerEnv } from '../../harness/pipeline-app.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

const CALLS = 50;
/** What the providers take in production, roughly: the calls overlap in them, as they would. */
const REALISTIC_LATENCY_MS = { transcribe: 2_000, diarize: 5_000, chat: 2_000 };

describe('a burst of fifty one-to-three-minute recordings uploaded at once', () => {
  let fakes: SandboxProviders;
  let scryon: TestApp;
  let user: EmulatorUser;
  let recordings: LongRecording[];

  beforeAll(async () => {
    [fakes, user, recordings] = await Promise.all([
      startSandboxProviders({ latencyMs: REALISTIC_LATENCY_MS }),
      signUpUser(),
      longRecordings([60, 90, 120, 150, 180]),
    ]);
    scryon = await startTestApp({
      env: {
        ...providerEnv(fakes),
        ...gcsEnv(),
        SCRYON_VOICE_EMBEDDING_ENABLED: 'false',
        SCRYON_DIARIZATION_POLL_INTERVAL_SECONDS: '1',
        // One user uploading a backlog and polling it is the load under test, not abuse.
        SCRYON_RATE_LIMIT_IP_PER_MINUTE: '1000000',
        SCRYON_RATE_LIMIT_USER_PER_MINUTE: '1000000',
      },
    });
  });
  afterAll(async () => {
    await scryon?.close();
    await fakes?.close();
  });

  async function submit(recording: LongRecording): Promise<string> {
    const response = await uploadCall(scryon, user.idToken, {
      file: { bytes: recording.bytes, filename: recording.filename, contentType: recording.contentType },
      metadata: { direction: 'OUTGOING', contactName: 'Ravi' },
    });
    expect(response.status).toBe(202);
    return (await json(response)).callId;
  }

  /** Polls bulk status, as the app does, until no call is still on its way. */
  async function settle(callIds: string[]): Promise<Map<string, string>> {
    for (;;) {
      const body = await json(
        await scryon.fetch(`/api/calls/status?ids=${callIds.join(',')}`, { token: user.idToken }),
      );
      const statuses = new Map<string, string>(
        body.items.map((item: { callId: string; status: string }) => [item.callId, item.status]),
      );
      if (callIds.every((callId) => ['COMPLETED', 'FAILED'].includes(statuses.get(callId) ?? ''))) return statuses;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  it('takes every call to COMPLETED, paying each provider stage exactly once per call', {
    timeout: 15 * 60_000,
  }, async () => {
    const callIds = await Promise.all(
      Array.from({ length: CALLS }, (_, index) => submit(recordings[index % recordings.length]!)),
    );
    const statuses = await settle(callIds);

    const notCompleted = [];
    for (const callId of callIds.filter((id) => statuses.get(id) !== 'COMPLETED')) {
      const detail = await json(await scryon.fetch(`/api/calls/${callId}`, { token: user.idToken }));
      notCompleted.push({ callId, status: detail.status, errorReason: detail.errorReason });
    }
    expect(notCompleted).toEqual([]);

    // Every completed call needed at least one of each, so a total of one per call is exactly one each.
    expect(fakes.lemonfox.succeeded('transcribe')).toHaveLength(CALLS);
    expect(fakes.openai.succeeded('chat')).toHaveLength(CALLS);
    const diarizedMedia = fakes.pyannote.succeeded('diarize').map((request) => (request.body as { url: string }).url);
    expect(new Set(diarizedMedia)).toEqual(new Set(callIds.map((callId) => `media://scryon-${callId}`)));
    expect(diarizedMedia).toHaveLength(CALLS);

    for (const callId of callIds) {
      const transcript = await json(await scryon.fetch(`/api/calls/${callId}/transcript`, { token: user.idToken }));
      expect(transcript).toMatchObject({
        callId,
        pipeline: { transcriptionProvider: 'lemonfox', diarizationProvider: 'pyannote', status: 'COMPLETED' },
      });
      expect(transcript.cleanText).toContain('Hello, this is Ravi from Acme.');
    }
  });
});
