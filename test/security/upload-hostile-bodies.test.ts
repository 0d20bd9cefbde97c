import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../harness/audio.ts';
import { json, keysBesides, storedKeys, userRowId, workflowIds } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { multipartBody, type MultipartPart } from '../harness/multipart-body.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

const MAX_FILE_SIZE = 256 * 1024;
const BOUNDARY = 'scryon-hostile';

const rawBody = (parts: MultipartPart[], tail?: string) => multipartBody(BOUNDARY, parts, tail);

const audioPart = () => ({ name: 'file', filename: 'call.wav', type: 'audio/wav', body: wavBytes(1) });

/** The one multipart door: tRPC and GraphQL send a recording to an upload (upload-sessions.test.ts). */
const UPLOAD_PATH = '/api/calls/analyze';

describe('hostile multipart upload bodies leave nothing behind', () => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let userId: string;

  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: { MAX_FILE_SIZE: String(MAX_FILE_SIZE) },
      captureLogs: true,
    });
    user = await signUpUser();
    await scryon.fetch('/api/users/me', { token: user.idToken });
    userId = await userRowId(scryon, user.uid);
  });
  afterAll(() => scryon.close());

  async function send(body: Buffer): Promise<Response> {
    return scryon.fetch(UPLOAD_PATH, {
      method: 'POST',
      token: user.idToken,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: new Uint8Array(body),
    });
  }

  async function expectNothingStoredAndHealthy() {
    expect(await scryon.db!.query('select id from call_records where user_id = $1', [userId])).toEqual([]);
    expect(await storedKeys(scryon, `users/${userId}/`)).toEqual([]);
    expect(await workflowIds(scryon)).toEqual([]);
    expect((await scryon.fetch('/api/health')).status).toBe(200);
  }

  const hostileBodies: Record<string, () => Buffer> = {
    'too many parts after the file': () =>
      rawBody([audioPart(), ...Array.from({ length: 30 }, (_, i) => ({ name: `extra${i}`, body: 'x' }))]),
    'a huge text part after the file': () => rawBody([audioPart(), { name: 'title', body: 'x'.repeat(200 * 1024) }]),
    'a malformed tail after the file': () => rawBody([audioPart()], `--${BOUNDARY}\r\nContent-Disposition: broken\r\n`),
    'two file parts': () => rawBody([audioPart(), audioPart()]),
    'a file over MAX_FILE_SIZE': () =>
      rawBody([{ ...audioPart(), body: Buffer.concat([wavBytes(1), Buffer.alloc(MAX_FILE_SIZE)]) }]),
    'bytes that are not audio, cut off before the closing boundary': () =>
      rawBody([{ name: 'file', filename: 'x.mp3', type: 'audio/mpeg', body: Buffer.alloc(64 * 1024, 0x41) }], ''),
    'bad metadata after the file': () =>
      rawBody([
        audioPart(),
        { name: 'metadata', type: 'application/json', body: '{"recordedAt":"0000-01-01T00:00:00Z"}' },
      ]),
  };

  for (const [name, body] of Object.entries(hostileBodies)) {
    it(`${name} is a 4xx and stores nothing`, async () => {
      const response = await send(body());
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(['validation_failed', 'payload_too_large', 'unsupported_media_type']).toContain(
        (await json(response)).error.code,
      );
      await expectNothingStoredAndHealthy();
    });
  }

  it('an unauthenticated upload is refused before its body is read', async () => {
    const response = await scryon.fetch(UPLOAD_PATH, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: new Uint8Array(rawBody([audioPart()])),
    });
    expect(response.status).toBe(401);
    expect((await json(response)).error.code).toBe('auth_missing');
    await expectNothingStoredAndHealthy();
  });

  it('fuzzed multipart bodies never give a 5xx and never store anything without answering 202', async () => {
    const part = fc.record({
      name: fc.constantFrom('file', 'metadata', 'title', 'other', ''),
      filename: fc.option(fc.constantFrom('call.wav', 'x', '../../etc/passwd'), { nil: undefined }),
      type: fc.option(fc.constantFrom('audio/wav', 'application/json', 'text/plain'), { nil: undefined }),
      body: fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.constant(wavBytes(1)),
        fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
      ),
    });
    const tail = fc.oneof(fc.constant(`--${BOUNDARY}--\r\n`), fc.constant(''), fc.string({ maxLength: 50 }));
    const deleted = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 6 }), tail, async (parts, end) => {
        const response = await send(rawBody(parts, end));
        expect(response.status).toBeLessThan(500);
        if (response.status !== 200 && response.status !== 202) {
          expect(await scryon.db!.query('select id from call_records where user_id = $1', [userId])).toEqual([]);
          expect(await keysBesides(scryon, `users/${userId}/`, deleted)).toEqual([]);
        } else {
          const { callId } = await json(response);
          await scryon.fetch(`/api/calls/${callId}`, { method: 'DELETE', token: user.idToken });
          deleted.add(callId);
        }
      }),
      { numRuns: 60 },
    );
    expect(scryon.logLines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});
