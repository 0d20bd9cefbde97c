import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../harness/audio.ts';
import { json, storedKeys, userRowId, workflowIds } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { sealedToken } from '../harness/sealed-tokens.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';
import { RawConnection } from './raw-http.ts';

const MAX_FILE_SIZE = 256 * 1024;

interface Upload {
  uploadId: string;
  uploadUrl: string;
}

/**
 * The two-step upload tRPC and GraphQL clients use (open an upload, PUT the
 * recording, submit the call), attacked over REST, where all three steps are
 * routes: whatever is refused leaves no row, no object and no workflow.
 */
describe('uploads in two steps', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;
  let bob: EmulatorUser;
  let aliceId: string;

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false }, env: { MAX_FILE_SIZE: String(MAX_FILE_SIZE) } });
    [alice, bob] = [await signUpUser(), await signUpUser()];
    await scryon.fetch('/api/users/me', { token: alice.idToken });
    aliceId = await userRowId(scryon, alice.uid);
  });
  afterAll(() => scryon.close());

  async function open(user: EmulatorUser): Promise<Upload> {
    const response = await scryon.fetch('/api/uploads', { method: 'POST', token: user.idToken });
    expect(response.status).toBe(201);
    return json(response);
  }

  function put(url: string, body: Uint8Array, user: EmulatorUser | null = alice): Promise<Response> {
    return scryon.fetch(url, { method: 'PUT', ...(user ? { token: user.idToken } : {}), body: new Uint8Array(body) });
  }

  function submit(uploadId: string, user = alice, metadata: unknown = { title: 'two steps' }): Promise<Response> {
    return scryon.fetch('/api/calls', {
      method: 'POST',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uploadId, metadata }),
    });
  }

  async function expectNothingOf(uploadId: string) {
    expect(await scryon.db!.query('select id from call_records where id = $1', [uploadId])).toEqual([]);
    expect(await storedKeys(scryon, `users/${aliceId}/calls/${uploadId}/`)).toEqual([]);
    expect(await workflowIds(scryon)).not.toContain(`call-${uploadId}`);
  }

  it('opens, receives and submits: the upload becomes a queued call with its audio and workflow', async () => {
    const upload = await open(alice);
    expect(upload.uploadUrl).toBe(`/api/uploads/${upload.uploadId}?grant=${upload.uploadUrl.split('grant=')[1]}`);
    const received = await put(upload.uploadUrl, wavBytes(1));
    expect(received.status).toBe(200);
    expect(await json(received)).toEqual({ uploadId: upload.uploadId, format: 'wav', byteSize: wavBytes(1).length });
    const submitted = await submit(upload.uploadId);
    expect(submitted.status).toBe(202);
    expect(await json(submitted)).toEqual({ callId: upload.uploadId, status: 'QUEUED' });
    const detail = await json(await scryon.fetch(`/api/calls/${upload.uploadId}`, { token: alice.idToken }));
    expect(detail).toMatchObject({ title: 'two steps', status: 'QUEUED' });
    expect(await storedKeys(scryon, `users/${aliceId}/calls/${upload.uploadId}/`)).toEqual([
      `users/${aliceId}/calls/${upload.uploadId}/temp/audio.wav`,
    ]);
    expect(await workflowIds(scryon)).toContain(`call-${upload.uploadId}`);
  });

  it('answers a submission again, or many at once, with the one call', async () => {
    const upload = await open(alice);
    await put(upload.uploadUrl, wavBytes(1));
    const answers = await Promise.all(Array.from({ length: 5 }, () => submit(upload.uploadId)));
    for (const answer of answers) expect(await json(answer)).toEqual({ callId: upload.uploadId, status: 'QUEUED' });
    expect(await json(await submit(upload.uploadId))).toEqual({ callId: upload.uploadId, status: 'QUEUED' });
    const rows = await scryon.db!.query('select id from call_records where id = $1', [upload.uploadId]);
    expect(rows).toHaveLength(1);
    const late = await put(upload.uploadUrl, wavBytes(1));
    expect(late.status).toBe(409);
    expect((await json(late)).error.code).toBe('upload_already_submitted');
  });

  it('replaces what an earlier attempt sent: the last recording is the call', async () => {
    const upload = await open(alice);
    await put(upload.uploadUrl, wavBytes(1));
    const mp3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(4096)]);
    expect(await json(await put(upload.uploadUrl, mp3))).toMatchObject({ format: 'mp3' });
    expect(await storedKeys(scryon, `users/${aliceId}/calls/${upload.uploadId}/`)).toEqual([
      `users/${aliceId}/calls/${upload.uploadId}/temp/audio.mp3`,
    ]);
  });

  it("refuses another user's upload, a forged or expired grant and an unknown id, storing nothing", async () => {
    const upload = await open(alice);
    const grant = upload.uploadUrl.split('grant=')[1]!;
    const expired = sealedToken(scryon, 'calls.upload', { c: upload.uploadId, u: aliceId, e: Date.now() - 1 });
    const attempts: Array<[string, EmulatorUser]> = [
      [upload.uploadUrl, bob],
      [`/api/uploads/${upload.uploadId}?grant=${grant.slice(0, -4)}AAAA`, alice],
      [`/api/uploads/${upload.uploadId}?grant=${encodeURIComponent(expired)}`, alice],
      [`/api/uploads/${upload.uploadId}`, alice],
      [`/api/uploads/not-a-uuid?grant=${grant}`, alice],
    ];
    for (const [url, user] of attempts) {
      const response = await put(url, wavBytes(1), user);
      expect(response.status, url).toBe(404);
      expect((await json(response)).error.code).toBe('upload_not_found');
    }
    const anonymous = await put(upload.uploadUrl, wavBytes(1), null);
    expect(anonymous.status).toBe(401);
    await expectNothingOf(upload.uploadId);
  });

  it("refuses to submit an upload with no recording, or another user's", async () => {
    const empty = await open(alice);
    const none = await submit(empty.uploadId);
    expect(none.status).toBe(404);
    expect((await json(none)).error.code).toBe('upload_not_found');
    const upload = await open(alice);
    await put(upload.uploadUrl, wavBytes(1));
    const theirs = await submit(upload.uploadId, bob);
    expect(theirs.status).toBe(404);
    expect(await scryon.db!.query('select id from call_records where id = $1', [upload.uploadId])).toEqual([]);
    await expectNothingOf(empty.uploadId);
  });

  it('refuses bytes that are not audio, an empty body and a declared size too large, storing nothing', async () => {
    const upload = await open(alice);
    const text = await put(upload.uploadUrl, new TextEncoder().encode('not audio '.repeat(500)));
    expect(text.status).toBe(415);
    const empty = await put(upload.uploadUrl, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect((await json(empty)).error.details.fields).toEqual({ file: 'empty' });
    const tooLarge = await put(upload.uploadUrl, Buffer.concat([wavBytes(1), Buffer.alloc(MAX_FILE_SIZE)]));
    expect(tooLarge.status).toBe(413);
    expect((await json(tooLarge)).error.code).toBe('payload_too_large');
    await expectNothingOf(upload.uploadId);
  });

  it('refuses a chunked recording once it passes the limit, storing nothing', async () => {
    const upload = await open(alice);
    const connection = await RawConnection.open(scryon.url);
    try {
      connection.write(
        `PUT ${upload.uploadUrl} HTTP/1.1\r\nHost: scryon.test\r\nAuthorization: Bearer ${alice.idToken}\r\n` +
          'Transfer-Encoding: chunked\r\n\r\n',
      );
      const body = Buffer.concat([wavBytes(1), Buffer.alloc(MAX_FILE_SIZE)]);
      for (let at = 0; at < body.length; at += 64 * 1024) {
        const chunk = body.subarray(at, at + 64 * 1024);
        connection.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
      }
      connection.write('0\r\n\r\n');
      const response = await connection.response();
      expect(response?.status).toBe(413);
    } finally {
      connection.destroy();
    }
    await expectNothingOf(upload.uploadId);
  });
});
