import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavBytes } from '../../harness/audio.ts';
import { json, uploadCall } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

const MAX_FILE_SIZE = 256 * 1024;

/** What a newcomer's first mistakes are told: the limit, the part that came, the method that would work. */
describe('upload mistakes state what would work', () => {
  let scryon: TestApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false }, env: { MAX_FILE_SIZE: String(MAX_FILE_SIZE) } });
    user = await signUpUser();
  });
  afterAll(() => scryon.close());

  it('413 streamed past MAX_FILE_SIZE names the limit, in words and in details', async () => {
    const response = await uploadCall(scryon, user.idToken, { file: { bytes: wavBytes(10) } });
    expect(response.status).toBe(413);
    const { error } = await json(response);
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toContain('256 KB');
    expect(error.message).toContain(String(MAX_FILE_SIZE));
    expect(error.details).toMatchObject({ maxBytes: MAX_FILE_SIZE });
  });

  it('413 on a declared Content-Length names both the size sent and the limit', async () => {
    const declared = 64 * 1024 * 1024;
    const { status, body } = await declareUpload(scryon, user.idToken, declared);
    expect(status).toBe(413);
    expect(body.error.message).toContain(String(declared));
    expect(body.error.message).toContain('256 KB');
    expect(body.error.details).toEqual({ maxBytes: MAX_FILE_SIZE, declaredBytes: declared });
  });

  it('a recording sent under another part name is told which name came and which is wanted', async () => {
    const form = new FormData();
    form.append('audio', new Blob([new Uint8Array(wavBytes(2))], { type: 'audio/wav' }), 'call.wav');
    const response = await scryon.fetch('/api/calls/analyze', { method: 'POST', token: user.idToken, body: form });
    expect(response.status).toBe(400);
    const { error } = await json(response);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/part named "audio"; name it "file"/);
    expect(error.details.fields).toMatchObject({ file: 'required', audio: expect.stringContaining('"file"') });
  });

  it('a form with no file part at all still says only that the file part is required', async () => {
    const response = await uploadCall(scryon, user.idToken, { metadata: { title: 'x' } });
    expect((await json(response)).error).toMatchObject({
      code: 'validation_failed',
      message: 'The file part is required',
    });
  });

  it('PUT /api/calls/analyze is 405 method_not_allowed with Allow: POST', async () => {
    const response = await scryon.fetch('/api/calls/analyze', { method: 'PUT', token: user.idToken });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect((await json(response)).error).toMatchObject({ code: 'method_not_allowed', details: { allow: ['POST'] } });
  });

  it.each([
    ['POST', '/api/health', 'GET, HEAD'],
    ['PATCH', '/api/calls/3f1c4b8e-0d7a-4c1e-9d2b-5a6e7f8a9b0c', undefined],
    ['POST', '/api/users/me', undefined],
  ])("%s %s is 405 with the path's own methods in Allow", async (method, path, expected) => {
    const response = await scryon.fetch(path, { method, token: user.idToken });
    expect(response.status).toBe(405);
    const allow = response.headers.get('allow')!;
    if (expected) expect(allow).toBe(expected);
    expect(allow.split(', ')).toContain('GET');
    expect(allow.split(', ')).not.toContain(method);
    expect((await json(response)).error.code).toBe('method_not_allowed');
  });

  it('a path no route has stays 404 not_found', async () => {
    const response = await scryon.fetch('/api/no-such-thing', { method: 'PUT', token: user.idToken });
    expect(response.status).toBe(404);
    expect(response.headers.get('allow')).toBeNull();
    expect((await json(response)).error.code).toBe('not_found');
  });
});

/** An upload that declares `length` bytes and sends none: the answer comes before the body would. */
function declareUpload(scryon: TestApp, token: string, length: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'multipart/form-data; boundary=x',
      'content-length': length,
    };
    const request = http.request(`${scryon.url}/api/calls/analyze`, { method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.flushHeaders();
  });
}
