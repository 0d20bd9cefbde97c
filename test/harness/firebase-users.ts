import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

export interface EmulatorUser {
  uid: string;
  email: string;
  idToken: string;
}

const emulatorBase = () => `http://${inject('firebaseEmulatorHost')}`;
const identityToolkit = () => `${emulatorBase()}/identitytoolkit.googleapis.com/v1`;

async function post(path: string, body: unknown, admin = false): Promise<Record<string, unknown>> {
  const response = await fetch(`${identityToolkit()}${path}${path.includes('?') ? '&' : '?'}key=fake-api-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(admin ? { authorization: 'Bearer owner' } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`emulator ${path} failed: ${JSON.stringify(json)}`);
  return json;
}

/** A real emulator account with a real (unsigned, emulator-style) ID token. */
export async function signUpUser(displayName?: string): Promise<EmulatorUser> {
  const email = `user-${randomUUID().slice(0, 8)}@example.test`;
  const created = await post('/accounts:signUp', { email, password: 'secret-password', returnSecureToken: true });
  const uid = created.localId as string;
  if (displayName) {
    await post('/accounts:update', { localId: uid, displayName }, true);
    return signInUser(email);
  }
  return { uid, email, idToken: created.idToken as string };
}

/** A new sign-in of an account made by signUpUser: a new ID token with a new auth_time. */
export async function signInUser(email: string): Promise<EmulatorUser> {
  const signedIn = await post('/accounts:signInWithPassword', {
    email,
    password: 'secret-password',
    returnSecureToken: true,
  });
  return { uid: signedIn.localId as string, email, idToken: signedIn.idToken as string };
}

export async function disableUser(uid: string): Promise<void> {
  await post(`/projects/${inject('firebaseProjectId')}/accounts:update`, { localId: uid, disableUser: true }, true);
}

export async function emulatorUserExists(uid: string): Promise<boolean> {
  const result = await post(`/projects/${inject('firebaseProjectId')}/accounts:lookup`, { localId: [uid] }, true);
  return Array.isArray(result.users) && result.users.length > 0;
}

/** An emulator-style unsigned token with chosen claims, for expiry and audience cases. */
export function mintToken(uid: string, overrides: { projectId?: string; expiresAt?: number } = {}): string {
  const project = overrides.projectId ?? inject('firebaseProjectId');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: `https://securetoken.google.com/${project}`,
    aud: project,
    auth_time: now - 60,
    user_id: uid,
    sub: uid,
    iat: now - 60,
    exp: overrides.expiresAt ?? now + 3600,
    firebase: { identities: {}, sign_in_provider: 'password' },
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}
