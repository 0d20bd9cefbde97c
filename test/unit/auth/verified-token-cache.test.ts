import { describe, expect, it } from 'vitest';
import type { TokenVerifier, VerifiedToken } from '../../../src/auth/token-verifier.ts';
import { cacheVerifiedTokens } from '../../../src/auth/verified-token-cache.ts';
import { AppError } from '../../../src/errors/app-error.ts';

const HOUR_MS = 3_600_000;

/** Firebase as the cache sees it: tokens are "uid:authTimeSeconds", each check is counted. */
function firebase(clock: { now: number }) {
  const disabled = new Set<string>();
  const verifier: TokenVerifier & { checks: number } = {
    checks: 0,
    async verify(idToken) {
      verifier.checks += 1;
      const [uid = '', authTime = '0'] = idToken.split(':');
      if (disabled.has(uid)) throw new AppError('auth_disabled');
      const token: VerifiedToken = {
        externalUserId: uid,
        authTimeSeconds: Number(authTime),
        expiresAtMs: Number(authTime) * 1000 + HOUR_MS,
      };
      if (token.expiresAtMs <= clock.now) throw new AppError('auth_invalid');
      return token;
    },
    close: async () => undefined,
  };
  return { verifier, disable: (uid: string) => disabled.add(uid) };
}

function setup(recheckMs = 60_000) {
  const clock = { now: 1_000_000_000_000 };
  const backend = firebase(clock);
  const cache = cacheVerifiedTokens(backend.verifier, { recheckMs, now: () => clock.now });
  const tokenAt = (uid: string, ms = clock.now) => `${uid}:${Math.floor(ms / 1000)}`;
  return { clock, backend, cache, tokenAt };
}

describe('verified-token cache', () => {
  it('asks Firebase once per user per recheck period, however often a token is presented', async () => {
    const { clock, backend, cache, tokenAt } = setup();
    const token = tokenAt('ravi');
    for (let i = 0; i < 100; i++) await cache.verify(token);
    expect(backend.verifier.checks).toBe(1);
    clock.now += 60_000;
    await cache.verify(token);
    expect(backend.verifier.checks).toBe(2);
  });

  it('re-asks Firebase after the recheck period, so a user disabled there is refused then', async () => {
    const { clock, backend, cache, tokenAt } = setup();
    const token = tokenAt('ravi');
    await cache.verify(token);
    backend.disable('ravi');
    await expect(cache.verify(token)).resolves.toMatchObject({ externalUserId: 'ravi' });
    clock.now += 60_001;
    await expect(cache.verify(token)).rejects.toMatchObject({ code: 'auth_disabled' });
  });

  it('never serves a token past its expiry from the cache', async () => {
    const { clock, backend, cache, tokenAt } = setup(10 * HOUR_MS);
    const token = tokenAt('ravi');
    await cache.verify(token);
    clock.now += HOUR_MS;
    await expect(cache.verify(token)).rejects.toMatchObject({ code: 'auth_invalid' });
    expect(backend.verifier.checks).toBe(2);
  });

  it('refuses at once, even if Firebase accepts them, tokens signed in up to the second of a revocation', async () => {
    const { clock, cache, tokenAt } = setup(10 * HOUR_MS);
    const old = tokenAt('ravi');
    const other = tokenAt('asha');
    await cache.verify(old);
    await cache.verify(other);
    clock.now += 5_000;
    cache.revoke('ravi', clock.now);
    await expect(cache.verify(old)).rejects.toMatchObject({ code: 'auth_invalid' });
    await expect(cache.verify(other)).resolves.toMatchObject({ externalUserId: 'asha' });
    await expect(cache.verify(tokenAt('ravi'))).rejects.toMatchObject({ code: 'auth_invalid' });
    clock.now += 1_000;
    await expect(cache.verify(tokenAt('ravi'))).resolves.toMatchObject({ externalUserId: 'ravi' });
  });

  it('keeps a bounded number of tokens', async () => {
    const clock = { now: 1_000_000_000_000 };
    const backend = firebase(clock);
    const cache = cacheVerifiedTokens(backend.verifier, { recheckMs: HOUR_MS, maxTokens: 10, now: () => clock.now });
    const first = `u0:${Math.floor(clock.now / 1000)}`;
    await cache.verify(first);
    for (let i = 1; i <= 10; i++) await cache.verify(`u${i}:${Math.floor(clock.now / 1000)}`);
    const checks = backend.verifier.checks;
    await cache.verify(first);
    expect(backend.verifier.checks).toBe(checks + 1);
  });
});
