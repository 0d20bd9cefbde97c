import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../../harness/audio.ts';
import {
  json,
  storedKeys,
  uploadCall,
  startedWorkflowIds,
  userRowId,
  workflowIds,
} from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { waitFor } from '../../harness/free-port.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

// Every answer this file receives under /api must be one the OpenAPI document declares.
const MAX_FILE_SIZE = 256 * 1024;

/** Every file under the storage root, half-written temp files included. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('POST /api/calls/analyze', () => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let userId: string;
  const wav = wavBytes(2);

  beforeAll(async () => {
    // No worker: submitted calls stay QUEUED, so what the upload created is all there is.
    scryon = await startTestApp({ roles: { api: true, worker: false }, env: { MAX_FILE_SIZE: String(MAX_FILE_SIZE) } });
    user = await signUpUser();
    await scryon.fetch('/api/users/me', { token: user.idToken });
    userId = await userRowId(scryon, user.uid);
  });
  afterAll(() => scryon.close());

  async function expectNothingLeftBehind() {
    expect(await scryon.db!.query('select id from call_records where user_id = $1', [userId])).toEqual([]);
    expect(await storedKeys(scryon, `users/${userId}/`)).toEqual([]);
    expect(await workflowIds(scryon)).toEqual([]);
  }

  describe('rejections leave no row, no object and no workflow', () => {
    it('answers a missing file with 400 validation_failed naming the field', async () => {
      const response = await uploadCall(scryon, user.idToken, { metadata: { title: 'x' } });
      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({
        error: { code: 'validation_failed', details: { fields: { file: expect.any(String) } } },
      });
      await expectNothingLeftBehind();
    });

    it('answers malformed metadata JSON with 400 validation_failed', async () => {
      const response = await uploadCall(scryon, user.idToken, { file: { bytes: wav }, rawMetadata: '{"title": ' });
      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({
        error: { code: 'validation_failed', details: { fields: { metadata: 'not valid JSON' } } },
      });
      await expectNothingLeftBehind();
    });

    it('answers an unknown direction with 400 naming metadata.direction', async () => {
      const response = await uploadCall(scryon, user.idToken, {
        file: { bytes: wav },
        metadata: { direction: 'SIDEWAYS' },
      });
      expect(response.status).toBe(400);
      expect((await json(response)).error.details.fields).toHaveProperty(['metadata.direction']);
      await expectNothingLeftBehind();
    });

    it('answers a bad recordedAt with 400 naming metadata.recordedAt', async () => {
      const response = await uploadCall(scryon, user.idToken, {
        file: { bytes: wav },
        metadata: { recordedAt: 'yesterday' },
      });
      expect(response.status).toBe(400);
      expect((await json(response)).error.details.fields).toHaveProperty(['metadata.recordedAt']);
      await expectNothingLeftBehind();
    });

    it('answers bytes that are not audio with 415, whatever the declared type', async () => {
      const response = await uploadCall(scryon, user.idToken, {
        file: {
          bytes: Buffer.from('this is a text file pretending to be an mp3'.repeat(50)),
          filename: 'song.mp3',
          contentType: 'audio/mpeg',
        },
      });
      expect(response.status).toBe(415);
      expect((await json(response)).error.code).toBe('unsupported_media_type');
      await expectNothingLeftBehind();
    });

    it('answers a file over MAX_FILE_SIZE with 413 payload_too_large', async () => {
      const response = await uploadCall(scryon, user.idToken, { file: { bytes: wavBytes(10) } });
      expect(response.status).toBe(413);
      expect((await json(response)).error.code).toBe('payload_too_large');
      await expectNothingLeftBehind();
    });

    it('answers a body that is not multipart with 400', async () => {
      const response = await scryon.fetch('/api/calls/analyze', {
        method: 'POST',
        token: user.idToken,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(400);
      await expectNothingLeftBehind();
    });

    it('leaves nothing when the client disconnects halfway through the file', async () => {
      const storageRoot = scryon.env.OBJECT_STORAGE_LOCAL_PATH!;
      const boundary = 'scryon-disconnect';
      const head =
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="call.wav"\r\n` +
        `Content-Type: audio/wav\r\n\r\n`;
      const { port } = new URL(scryon.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      // The declared length promises more than is ever sent.
      socket.write(
        `POST /api/calls/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${user.idToken}\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\n` +
          `Content-Length: ${head.length + wav.length + 4096}\r\n\r\n`,
      );
      socket.write(head);
      socket.write(wav);
      await waitFor(async () => filesUnder(storageRoot).length > 0, 'the upload to reach storage', 10_000);
      socket.destroy();
      await waitFor(async () => filesUnder(storageRoot).length === 0, 'the partial file to be removed', 10_000);
      await expectNothingLeftBehind();
    });

    it('answers an unauthenticated upload with 401 before reading it', async () => {
      const response = await scryon.fetch('/api/calls/analyze', { method: 'POST', body: new FormData() });
      expect(response.status).toBe(401);
      await expectNothingLeftBehind();
    });
  });

  describe('an accepted upload', () => {
    it('answers 202 QUEUED, stores TEMP_AUDIO at its fixed key and starts call-<callId>', async () => {
      const response = await uploadCall(scryon, user.idToken, {
        file: { bytes: wav, filename: '../../etc/passwd.wav' },
        metadata: {
          title: 'Quarterly review',
          contactName: 'Ravi',
          phoneNumber: '+91 98765 43210',
          direction: 'OUTGOING',
          recordedAt: '2026-05-29T13:00:00Z',
          durationSeconds: 2,
        },
      });
      expect(response.status).toBe(202);
      const body = await json(response);
      expect(body).toEqual({ callId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'QUEUED' });

      const detail = await json(await scryon.fetch(`/api/calls/${body.callId}`, { token: user.idToken }));
      expect(detail).toEqual({
        callId: body.callId,
        title: 'Quarterly review',
        status: 'QUEUED',
        direction: 'OUTGOING',
        contactName: 'Ravi',
        phoneNumber: '+91 98765 43210',
        durationSeconds: 2,
        recordedAt: '2026-05-29T13:00:00.000Z',
        createdAt: expect.any(String),
        errorReason: null,
      });
      expect(await storedKeys(scryon, `users/${userId}/calls/${body.callId}/`)).toEqual([
        `users/${userId}/calls/${body.callId}/temp/audio.wav`,
      ]);
      const artifacts = await scryon.db!.query(
        'select artifact_type, byte_size from call_artifacts where call_id = $1',
        [body.callId],
      );
      expect(artifacts).toEqual([{ artifact_type: 'TEMP_AUDIO', byte_size: String(wav.length) }]);
      expect(await startedWorkflowIds(scryon, [`call-${body.callId}`])).toEqual([`call-${body.callId}`]);
      const workflow = await scryon.app.temporal.client.workflow.getHandle(`call-${body.callId}`).describe();
      expect(await workflow.memo).toEqual({ callId: body.callId, userId });
    });

    it('accepts an upload without metadata and takes the title part', async () => {
      const response = await uploadCall(scryon, user.idToken, { file: { bytes: wav }, title: 'Just a title' });
      expect(response.status).toBe(202);
      const { callId } = await json(response);
      const detail = await json(await scryon.fetch(`/api/calls/${callId}`, { token: user.idToken }));
      expect(detail).toMatchObject({ title: 'Just a title', direction: 'UNKNOWN', errorReason: null });
      expect(detail).not.toHaveProperty('contactName');
      expect(detail).not.toHaveProperty('durationSeconds');
    });

    it('accepts the legacy flat form fields when there is no metadata part', async () => {
      const response = await uploadCall(scryon, user.idToken, {
        file: { bytes: wav },
        fields: { contactName: 'Asha', direction: 'INCOMING' },
      });
      expect(response.status).toBe(202);
      const detail = await json(
        await scryon.fetch(`/api/calls/${(await json(response)).callId}`, { token: user.idToken }),
      );
      expect(detail).toMatchObject({ contactName: 'Asha', direction: 'INCOMING' });
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the original 202 to a retry and creates nothing new', async () => {
      const key = randomUUID();
      const first = await uploadCall(
        scryon,
        user.idToken,
        { file: { bytes: wav }, metadata: { title: 'retry me' } },
        { 'idempotency-key': key },
      );
      const second = await uploadCall(
        scryon,
        user.idToken,
        { file: { bytes: wav }, metadata: { title: 'retry me' } },
        { 'idempotency-key': key },
      );
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      const [a, b] = [await json(first), await json(second)];
      expect(b).toEqual(a);
      expect(
        await scryon.db!.query("select id from call_records where user_id = $1 and title = 'retry me'", [userId]),
      ).toHaveLength(1);
    });

    it('creates exactly one call for concurrent requests with one key', async () => {
      const key = randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 5 }, () =>
          uploadCall(
            scryon,
            user.idToken,
            { file: { bytes: wav }, metadata: { title: 'concurrent' } },
            { 'idempotency-key': key },
          ),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(5).fill(202));
      const ids = new Set(await Promise.all(responses.map(async (response) => (await json(response)).callId)));
      expect(ids.size).toBe(1);
      expect(
        await scryon.db!.query("select id from call_records where user_id = $1 and title = 'concurrent'", [userId]),
      ).toHaveLength(1);
    });

    it('answers the same key with a different request with 409 idempotency_key_reused', async () => {
      const key = randomUUID();
      await uploadCall(
        scryon,
        user.idToken,
        { file: { bytes: wav }, metadata: { title: 'original' } },
        { 'idempotency-key': key },
      );
      const response = await uploadCall(
        scryon,
        user.idToken,
        { file: { bytes: wavBytes(1) }, metadata: { title: 'different' } },
        { 'idempotency-key': key },
      );
      expect(response.status).toBe(409);
      expect((await json(response)).error.code).toBe('idempotency_key_reused');
      expect(
        await scryon.db!.query("select id from call_records where user_id = $1 and title = 'different'", [userId]),
      ).toHaveLength(0);
    });

    it('scopes keys per user', async () => {
      const key = randomUUID();
      const other = await signUpUser();
      const mine = await uploadCall(scryon, user.idToken, { file: { bytes: wav } }, { 'idempotency-key': key });
      const theirs = await uploadCall(scryon, other.idToken, { file: { bytes: wav } }, { 'idempotency-key': key });
      expect(theirs.status).toBe(202);
      expect((await json(theirs)).callId).not.toBe((await json(mine)).callId);
    });
  });
});
