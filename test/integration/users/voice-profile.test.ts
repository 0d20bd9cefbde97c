import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import {
  fixture,
  gcsEnv,
  startPipelineApp,
  submitFixture,
  waitForStatus,
  type PipelineApp,
} from '../../harness/pipeline-app.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

function sampleForm(file: Buffer, filename: string, type: string, consent?: string): FormData {
  const form = new FormData();
  if (consent !== undefined) form.append('consentAccepted', consent);
  form.append('file', new Blob([new Uint8Array(file)], { type }), filename);
  return form;
}

describe('voice profiles with the feature on', () => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;
  const enrol = (form: FormData, who = user) =>
    pipeline.scryon.fetch('/api/users/me/voice-profile', { method: 'POST', token: who.idToken, body: form });

  beforeAll(async () => {
    pipeline = await startPipelineApp({
      env: { SCRYON_VOICE_EMBEDDING_ENABLED: 'true', SCRYON_VOICE_SAMPLE_MAX_SIZE_MB: '0.25' },
    });
    user = await signUpUser();
  });
  afterAll(() => pipeline.close());

  it('answers MISSING before enrolment', async () => {
    const response = await pipeline.scryon.fetch('/api/users/me/voice-profile/status', { token: user.idToken });
    expect(await json(response)).toEqual({ status: 'MISSING' });
  });

  it('enrols a 20 s sample: 201 with the documented shape, replacing in place, the sample never stored', async () => {
    const first = await enrol(sampleForm(fixture('voice-sample-20s.mp3'), 'me.mp3', 'audio/mpeg', 'true'));
    expect(first.status).toBe(201);
    expect(await json(first)).toEqual({
      status: 'ACTIVE',
      provider: 'pyannote',
      consentVersion: 'v1',
      createdAt: expect.stringMatching(/Z$/),
      sampleDurationSeconds: expect.closeTo(20, 0),
    });
    const second = await enrol(sampleForm(fixture('voice-sample-20s.mp3'), 'me.mp3', 'audio/mpeg'));
    expect(second.status).toBe(201);
    const rows = await pipeline.scryon.db!.query(
      'select v.id from user_voice_profiles v join users u on u.id = v.user_id where u.external_user_id = $1',
      [user.uid],
    );
    expect(rows).toHaveLength(1);
    expect(pipeline.fakes.pyannote.succeeded('voiceprint')).toHaveLength(2);
    const status = await json(
      await pipeline.scryon.fetch('/api/users/me/voice-profile/status', { token: user.idToken }),
    );
    expect(status).toEqual({
      status: 'ACTIVE',
      provider: 'pyannote',
      consentVersion: 'v1',
      createdAt: expect.any(String),
    });
  });

  it('replays a retried enrolment with the same Idempotency-Key without paying the provider again', async () => {
    const retrier = await signUpUser();
    const key = crypto.randomUUID();
    const send = () =>
      pipeline.scryon.fetch('/api/users/me/voice-profile', {
        method: 'POST',
        token: retrier.idToken,
        headers: { 'idempotency-key': key },
        body: sampleForm(fixture('voice-sample-20s.mp3'), 'me.mp3', 'audio/mpeg'),
      });
    const before = pipeline.fakes.pyannote.succeeded('voiceprint').length;
    const [first, second] = [await send(), await send()];
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(await json(second)).toEqual(await json(first));
    expect(pipeline.fakes.pyannote.succeeded('voiceprint').length - before).toBe(1);
  });

  it.each([
    ['too short', 'voice-sample-5s.wav', 'audio/wav', 400, 'voice_sample_too_short'],
    ['too long', 'voice-sample-60s.mp3', 'audio/mpeg', 400, 'voice_sample_too_long'],
    ['not audio', 'fake.mp3', 'audio/mpeg', 415, 'unsupported_media_type'],
    [
      'an accepted call format that is not a voice format',
      'two-party-call.ogg',
      'audio/ogg',
      415,
      'unsupported_media_type',
    ],
  ])('refuses a sample that is %s', async (_case, file, type, status, code) => {
    const response = await enrol(sampleForm(fixture(file), file, type, 'true'));
    expect(response.status).toBe(status);
    expect((await json(response)).error.code).toBe(code);
  });

  it('refuses a sample over the size limit with 413 while it streams', async () => {
    const response = await enrol(
      sampleForm(
        Buffer.concat([
          fixture('voice-sample-60s.mp3'),
          fixture('voice-sample-60s.mp3'),
          fixture('voice-sample-60s.mp3'),
        ]),
        'big.mp3',
        'audio/mpeg',
      ),
    );
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe('voice_sample_too_large');
  });

  it('refuses consentAccepted other than true', async () => {
    const response = await enrol(sampleForm(fixture('voice-sample-20s.mp3'), 'me.mp3', 'audio/mpeg', 'false'));
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('consent_required');
  });

  it('answers a provider failure with 502 voice_provider_error', async () => {
    pipeline.fakes.pyannote.failNext('voiceprint', { status: 503 });
    const other = await signUpUser();
    const response = await enrol(sampleForm(fixture('voice-sample-20s.mp3'), 'me.mp3', 'audio/mpeg'), other);
    expect(response.status).toBe(502);
    expect((await json(response)).error.code).toBe('voice_provider_error');
    expect(
      await json(await pipeline.scryon.fetch('/api/users/me/voice-profile/status', { token: other.idToken })),
    ).toEqual({ status: 'MISSING' });
  });

  it('voice match names the unnamed speaker as the USER and the other CONTACT by elimination', async () => {
    const speaker = await signUpUser();
    await enrol(sampleForm(fixture('voice-sample-20s.mp3'), 'me.mp3', 'audio/mpeg'), speaker);
    // The user's voice is SPEAKER_01; no profile name or contact name is given, so only the voice can tell.
    pipeline.fakes.pyannote.identifyConfidence = { SPEAKER_00: 8, SPEAKER_01: 91 };
    pipeline.fakes.lemonfox.script = [
      { speaker: 'SPEAKER_00', text: 'Good morning, how can I help you today?' },
      { speaker: 'SPEAKER_01', text: 'I wanted to ask about the delivery.' },
      { speaker: 'SPEAKER_00', text: 'Sure, it ships tomorrow.' },
    ];
    pipeline.fakes.pyannote.script = pipeline.fakes.lemonfox.script;
    const callId = await submitFixture(pipeline.scryon, speaker.idToken, 'wav');
    expect(await waitForStatus(pipeline.scryon, speaker.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const transcript = await json(
      await pipeline.scryon.fetch(`/api/calls/${callId}/transcript`, { token: speaker.idToken }),
    );
    const bySource = Object.fromEntries(
      transcript.speakers.map((s: { sourceSpeakerId: string }) => [s.sourceSpeakerId, s]),
    );
    expect(bySource.SPEAKER_01).toMatchObject({
      role: 'USER',
      labelSource: 'VOICE_EMBEDDING',
      confidence: 'HIGH',
      voiceMatchScore: 0.91,
    });
    expect(bySource.SPEAKER_00).toMatchObject({ role: 'CONTACT', labelSource: 'BY_ELIMINATION' });
    expect(transcript.speakerResolution).toMatchObject({
      voiceEmbeddingEnabled: true,
      voiceProfileUsed: true,
      voiceMatchStatus: 'MATCHED',
    });
    expect(pipeline.fakes.pyannote.succeeded('identify').length).toBeGreaterThan(0);
  });

  it('DELETE answers 204, always, and the status goes back to MISSING', async () => {
    expect(
      (await pipeline.scryon.fetch('/api/users/me/voice-profile', { method: 'DELETE', token: user.idToken })).status,
    ).toBe(204);
    expect(
      (await pipeline.scryon.fetch('/api/users/me/voice-profile', { method: 'DELETE', token: user.idToken })).status,
    ).toBe(204);
    expect(
      await json(await pipeline.scryon.fetch('/api/users/me/voice-profile/status', { token: user.idToken })),
    ).toEqual({ status: 'MISSING' });
  });
});

describe('voice profiles with the feature off', () => {
  let scryon: TestApp;
  let user: EmulatorUser;
  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false }, env: gcsEnv() });
    user = await signUpUser();
  });
  afterAll(() => scryon.close());

  it('answers POST and status with 404 feature_not_available, and DELETE with 204', async () => {
    const post = await scryon.fetch('/api/users/me/voice-profile', {
      method: 'POST',
      token: user.idToken,
      body: sampleForm(fixture('voice-sample-20s.mp3'), 'me.mp3', 'audio/mpeg'),
    });
    expect(post.status).toBe(404);
    expect((await json(post)).error.code).toBe('feature_not_available');
    const status = await scryon.fetch('/api/users/me/voice-profile/status', { token: user.idToken });
    expect(status.status).toBe(404);
    expect((await json(status)).error.code).toBe('feature_not_available');
    expect((await scryon.fetch('/api/users/me/voice-profile', { method: 'DELETE', token: user.idToken })).status).toBe(
      204,
    );
  });
});
