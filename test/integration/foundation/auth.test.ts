import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableUser, mintToken, signUpUser } from '../../harness/firebase-users.ts';
import { freePort } from '../../harness/free-port.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('Firebase authentication', () => {
  let scryon: TestApp;
  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
  });
  afterAll(() => scryon.close());

  it('answers a request without a token with 401 auth_missing', async () => {
    const response = await scryon.fetch('/api/users/me');
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('auth_missing');
  });

  it('answers a garbage token with 401 auth_invalid', async () => {
    const response = await scryon.fetch('/api/users/me', { token: 'not-a-jwt' });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('auth_invalid');
  });

  it('answers a non-Bearer Authorization header with 401 auth_invalid', async () => {
    const response = await scryon.fetch('/api/users/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('auth_invalid');
  });

  it('answers an expired token with 401 auth_invalid', async () => {
    const user = await signUpUser();
    const expired = mintToken(user.uid, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const response = await scryon.fetch('/api/users/me', { token: expired });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('auth_invalid');
  });

  it('answers a token for another Firebase project with 401 auth_invalid', async () => {
    const user = await signUpUser();
    const response = await scryon.fetch('/api/users/me', {
      token: mintToken(user.uid, { projectId: 'demo-other-project' }),
    });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('auth_invalid');
  });

  it('answers a disabled user with 403 auth_disabled', async () => {
    const user = await signUpUser();
    await disableUser(user.uid);
    const response = await scryon.fetch('/api/users/me', { token: user.idToken });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('auth_disabled');
  });

  it('provisions two emulator users as two separate rows', async () => {
    const [alice, bob] = [await signUpUser(), await signUpUser()];
    const aliceMe = await (await scryon.fetch('/api/users/me', { token: alice.idToken })).json();
    const bobMe = await (await scryon.fetch('/api/users/me', { token: bob.idToken })).json();
    expect(aliceMe).toMatchObject({
      externalUserId: alice.uid,
      email: alice.email,
      plan: 'FREE',
      accountStatus: 'ACTIVE',
      marketingOptIn: false,
      isAdmin: false,
    });
    expect(bobMe).toMatchObject({ externalUserId: bob.uid, email: bob.email });
    expect(aliceMe.id).not.toBe(bobMe.id);
    const rows = await scryon.db!.query<{ external_user_id: string }>(
      'select external_user_id from users where external_user_id = any($1)',
      [[alice.uid, bob.uid]],
    );
    expect(rows.map((row) => row.external_user_id).sort()).toEqual([alice.uid, bob.uid].sort());
  });

  it('makes one row when a new user fires concurrent first requests', async () => {
    const user = await signUpUser();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => scryon.fetch('/api/users/me', { token: user.idToken })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
    const rows = await scryon.db!.query('select id from users where external_user_id = $1', [user.uid]);
    expect(rows).toHaveLength(1);
  });
});

describe('the API-key guard', () => {
  let scryon: TestApp;
  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false }, env: { SCRYON_API_KEY: 'k-123456' } });
  });
  afterAll(() => scryon.close());

  it('guards health too and rejects a request without the key', async () => {
    const response = await scryon.fetch('/api/health');
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('api_key_invalid');
  });

  it('rejects a wrong key', async () => {
    const response = await scryon.fetch('/api/health', { headers: { 'x-api-key': 'k-654321' } });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('api_key_invalid');
  });

  it.each(['x-api-key', 'x-scryon-api-key'])('accepts the key in %s', async (header) => {
    const response = await scryon.fetch('/api/health', { headers: { [header]: 'k-123456' } });
    expect(response.status).toBe(200);
  });

  it('never treats the key as a user', async () => {
    const response = await scryon.fetch('/api/users/me', { headers: { 'x-api-key': 'k-123456' } });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('auth_missing');
  });
});

describe('the local-dev user', () => {
  let scryon: TestApp;
  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: { FIREBASE_PROJECT_ID: '', FIREBASE_AUTH_EMULATOR_HOST: '' },
    });
  });
  afterAll(() => scryon.close());

  it('is attached when no Firebase project is configured', async () => {
    const response = await scryon.fetch('/api/users/me');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ externalUserId: 'local-dev', displayName: 'Local Dev' });
  });
});

describe('an Auth backend that does not answer', () => {
  let scryon: TestApp;
  beforeAll(async () => {
    // A port nothing listens on: firebase-admin cannot look the user up.
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: { FIREBASE_AUTH_EMULATOR_HOST: `127.0.0.1:${await freePort()}` },
    });
  });
  afterAll(() => scryon.close());

  it('answers 503 service_unavailable, not a 401 that would sign the client out', async () => {
    const response = await scryon.fetch('/api/users/me', { token: mintToken('someone') });
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe('service_unavailable');
  });
});
