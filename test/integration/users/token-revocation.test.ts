import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityRevocation } from '../../../src/events/signal-bus.ts';
import { signInUser, signUpUser } from '../../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

/** A tRPC status subscription over SSE, read as a client reads it. */
function openStatusStream(app: TestApp, token: string) {
  const controller = new AbortController();
  let text = '';
  let open = true;
  let markOpened!: () => void;
  const opened = new Promise<void>((resolve) => (markOpened = resolve));
  const ended = (async () => {
    const response = await app.fetch('/trpc/calls.onStatusChange', {
      token,
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      text += decoder.decode(chunk, { stream: true });
      if (text.includes('connected')) markOpened();
    }
    open = false;
    return text;
  })().catch(() => {
    open = false;
    return text;
  });
  return { opened, ended, isOpen: () => open, close: () => controller.abort() };
}

/**
 * Two API instances on one database, each caching verified tokens for an hour:
 * only the event bus can tell the second one that a token went void.
 */
describe('revocation reaches every API instance at once', () => {
  let first: TestApp;
  let second: TestApp;
  const env = { SCRYON_ACCOUNT_RECHECK_SECONDS: '3600' };
  beforeAll(async () => {
    first = await startTestApp({ roles: { api: true, worker: false }, env });
    second = await startTestApp({ roles: { api: true, worker: false }, shareWith: first, env });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  /** Resolves when the second instance has heard of a revocation for the user: the bus's own signal, no sleep. */
  function revocationHeardBySecond(externalUserId: string): Promise<IdentityRevocation> {
    return new Promise((resolve) => {
      const stop = second.app.services.signals.onIdentityRevoked((revocation) => {
        if (revocation.externalUserId !== externalUserId) return;
        stop();
        resolve(revocation);
      });
    });
  }

  it('refuses a deleted account’s still-valid token on the other instance', async () => {
    const user = await signUpUser();
    expect((await second.fetch('/api/users/me', { token: user.idToken })).status).toBe(200);
    const heard = revocationHeardBySecond(user.uid);
    expect((await first.fetch('/api/users/me', { method: 'DELETE', token: user.idToken })).status).toBe(204);
    await heard;
    const after = await second.fetch('/api/users/me', { token: user.idToken });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('auth_invalid');
    const rows = await second.app.orm.em
      .fork()
      .getConnection()
      .execute(`select count(*)::int as n from users where external_user_id = ?`, [user.uid]);
    expect(rows[0]?.n).toBe(0);
  });

  it('ends the user’s subscriptions on the other instance with auth_invalid, leaves other users’ open', async () => {
    const user = await signUpUser();
    const other = await signUpUser();
    const revoked = openStatusStream(second, user.idToken);
    const untouched = openStatusStream(second, other.idToken);
    await Promise.all([revoked.opened, untouched.opened]);
    const heard = revocationHeardBySecond(user.uid);
    expect((await first.fetch('/api/users/me/sign-out', { method: 'POST', token: user.idToken })).status).toBe(204);
    await heard;
    const ending = await revoked.ended;
    expect(ending).toContain('auth_invalid');
    expect(untouched.isOpen()).toBe(true);
    untouched.close();
  });

  it('after sign-out everywhere, refuses tokens issued before it on both instances, lets new sign-ins in', async () => {
    const user = await signUpUser();
    const other = await signUpUser();
    for (const app of [first, second])
      expect((await app.fetch('/api/users/me', { token: user.idToken })).status).toBe(200);
    expect((await second.fetch('/api/users/me', { token: other.idToken })).status).toBe(200);
    const heard = revocationHeardBySecond(user.uid);
    expect((await first.fetch('/api/users/me/sign-out', { method: 'POST', token: user.idToken })).status).toBe(204);
    const revocation = await heard;
    for (const app of [first, second])
      expect((await app.fetch('/api/users/me', { token: user.idToken })).status).toBe(401);
    expect((await second.fetch('/api/users/me', { token: other.idToken })).status).toBe(200);
    await waitForSecondAfter(revocation.atMs);
    const fresh = await signInUser(user.email);
    for (const app of [first, second])
      expect((await app.fetch('/api/users/me', { token: fresh.idToken })).status).toBe(200);
  });
});

/** auth_time counts whole seconds, and a sign-in in the revocation's own second counts as before it. */
async function waitForSecondAfter(atMs: number): Promise<void> {
  const wait = Math.floor(atMs / 1000) * 1000 + 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
