import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';
import { signUpUser } from '../../harness/firebase-users.ts';

describe('the error envelope', () => {
  let scryon: TestApp;
  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      extraSurfaces: [
        (app) => {
          app.get('/api/test-only/explode', async () => {
            throw new Error('database password is hunter2');
          });
        },
      ],
    });
  });
  afterAll(() => scryon.close());

  it('serves the OpenAPI 3.1 document and a docs page', async () => {
    const document = await (await scryon.fetch('/api/openapi.json')).json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/calls', '/calls/status', '/calls/{id}', '/users/me']),
    );
    const docs = await scryon.fetch('/api/docs/');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });

  it('answers an unknown route with 404 not_found in the envelope', async () => {
    const response = await scryon.fetch('/api/does-not-exist');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('masks an unexpected failure as 500 internal_error without internals', async () => {
    const response = await scryon.fetch('/api/test-only/explode');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
    expect(text).not.toContain('hunter2');
  });

  it('answers malformed JSON with 400 validation_failed', async () => {
    const user = await signUpUser();
    const response = await scryon.fetch('/api/users/me', {
      method: 'PATCH',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: '{"displayName":',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('validation_failed');
  });

  it('answers an invalid field with 400 validation_failed and field details', async () => {
    const user = await signUpUser();
    const response = await scryon.fetch('/api/users/me', {
      method: 'PATCH',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 42 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'validation_failed', details: { fields: { displayName: expect.any(String) } } },
    });
  });
});
