import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentWavBytes, wavBytes } from '../../harness/audio.ts';
import { json, uploadCall } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { waitForStatus } from '../../harness/pipeline-app.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

interface Segment {
  role: string;
  text: string;
  speakerDisplayName: string | null;
  endSeconds: number;
}

/**
 * What a newcomer gets from `npm run dev` with no keys: a start-up line that
 * says the providers are the sandbox, and a sandbox that tells the upload's
 * story — its names, its length, and nothing at all for silence.
 */
describe('the dev sandbox, as a newcomer meets it', () => {
  let scryon: TestApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    scryon = await startTestApp({ captureLogs: true });
    user = await signUpUser();
    const profile = { displayName: 'Tom' };
    const headers = { 'content-type': 'application/json' };
    const body = JSON.stringify(profile);
    await scryon.fetch('/api/users/me', { method: 'PATCH', token: user.idToken, headers, body });
  });
  afterAll(() => scryon.close());

  const get = async (path: string) => json(await scryon.fetch(path, { token: user.idToken }));

  async function completed(bytes: Buffer, metadata: Record<string, unknown> = {}): Promise<string> {
    const response = await uploadCall(scryon, user.idToken, { file: { bytes }, metadata });
    expect(response.status).toBe(202);
    const { callId } = await json(response);
    expect(await waitForStatus(scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    return callId;
  }

  it('says at start, in one line, that each provider is the sandbox and which key makes it real', () => {
    const lines = scryon.logLines.filter((line) => line.includes('Providers:'));
    expect(lines).toHaveLength(1);
    const { msg } = JSON.parse(lines[0]!) as { msg: string };
    expect(msg).toMatch(/transcription Lemonfox SANDBOX \(set LEMONFOX_API_KEY/);
    expect(msg).toMatch(/diarization pyannoteAI SANDBOX \(set PYANNOTE_API_KEY/);
    expect(msg).toMatch(/analysis OpenAI SANDBOX \(set OPENAI_API_KEY/);
    expect(msg).toMatch(/canned demo calls/);
  });

  it("casts the demo call with the upload's contactName and the user's display name", async () => {
    const callId = await completed(wavBytes(13), { contactName: 'Meera', direction: 'OUTGOING' });
    const transcript = await get(`/api/calls/${callId}/transcript`);
    const segments: Segment[] = transcript.segments;
    const contact = segments.filter((segment) => segment.role === 'CONTACT');
    const said = segments.map((segment) => segment.text).join(' ');
    expect(contact.length).toBeGreaterThan(0);
    const userTurns = segments.filter((segment) => segment.role === 'USER');
    expect(contact.every((segment) => segment.speakerDisplayName?.startsWith('Meera'))).toBe(true);
    expect(userTurns.length).toBeGreaterThan(0);
    expect(userTurns.every((segment) => segment.speakerDisplayName === 'Tom')).toBe(true);
    expect(said).toContain('Meera');
    expect(said).toContain('Tom');
    expect(said).not.toMatch(/\b(Ravi|Praveen)\b/);
    const analysis = await get(`/api/calls/${callId}/analysis`);
    expect(JSON.stringify(analysis)).not.toMatch(/\b(Ravi|Praveen)\b/);
  });

  it.each([2, 60])(
    'fits its demo turns into a %s-second recording: each ends before the audio does',
    async (seconds) => {
      const callId = await completed(wavBytes(seconds));
      const { segments } = await get(`/api/calls/${callId}/transcript`);
      expect(segments.length).toBeGreaterThan(0);
      for (const segment of segments as Segment[]) expect(segment.endSeconds).toBeLessThanOrEqual(seconds);
    },
  );

  it('hears nothing in 8 s of silence: COMPLETED, no transcript, an analysis saying so, no items', async () => {
    const callId = await completed(silentWavBytes(8));
    const transcript = await get(`/api/calls/${callId}/transcript`);
    expect(transcript.segments).toEqual([]);
    const analysis = await get(`/api/calls/${callId}/analysis`);
    expect(analysis.oneLineSummary).toMatch(/no speech/i);
    expect(analysis.qualityWarnings).toContain('no_speech');
    expect(analysis.qualityWarnings).not.toContain('sandbox_analysis');
    expect(await get(`/api/calls/${callId}/action-items`)).toEqual([]);
  });
});

/** The recording's measured length is kept when the upload gave none, and counted by stats and the summary. */
describe('a call without durationSeconds', () => {
  let scryon: TestApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    scryon = await startTestApp();
    user = await signUpUser();
  });
  afterAll(() => scryon.close());

  const get = async (path: string) => json(await scryon.fetch(path, { token: user.idToken }));

  async function completed(metadata: Record<string, unknown>): Promise<string> {
    const response = await uploadCall(scryon, user.idToken, { file: { bytes: wavBytes(6) }, metadata });
    const { callId } = await json(response);
    expect(await waitForStatus(scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    return callId;
  }

  it('gets the measured one; a client-given one is kept; stats and summary count them', async () => {
    const measured = await completed({ title: 'no duration given' });
    const given = await completed({ title: 'duration given', durationSeconds: 90 });
    expect((await get(`/api/calls/${measured}`)).durationSeconds).toBeCloseTo(6, 1);
    expect((await get(`/api/calls/${given}`)).durationSeconds).toBe(90);
    const stats = await get('/api/users/me/stats');
    expect(stats.averageCallDurationSeconds).toBeCloseTo(48, 0);
    const summary = await get('/api/calls/summary');
    expect(summary.totals.minutes).toBeCloseTo(1.6, 1);
  });
});
