import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { AppError } from '../errors/app-error.ts';
import type { TokenVerifier, VerifiedToken } from './token-verifier.ts';

export interface VerifiedTokenCacheOptions {
  /** How long Firebase's word on a user (revoked, disabled, deleted) is trusted before it is asked again. */
  recheckMs: number;
  /** Bound on the tokens remembered at once; the least recently used go first. */
  maxTokens?: number;
  now?: () => number;
}

/** A verifier that asks Firebase about a user at most once per recheck period. */
export interface CachingTokenVerifier extends TokenVerifier {
  /**
   * Refuses, from now on, every token of the user signed in up to `atMs`
   * (sign-out everywhere, account deletion), whatever the cache holds.
   */
  revoke(externalUserId: string, atMs: number): void;
}

/** Firebase ID tokens live one hour; a revocation must be remembered at least as long as any token it voids. */
const LONGEST_TOKEN_LIFE_MS = 60 * 60_000 + 5 * 60_000;

/**
 * Verified tokens are kept by a hash of the token (never the token itself)
 * until they expire, so a phone polling every few seconds costs a hash and a
 * map lookup instead of a round trip to the Auth backend. Firebase is asked
 * again about a user once their last check is older than `recheckMs`; a
 * revocation announced on the event bus voids a user's tokens at once.
 */
export function cacheVerifiedTokens(verifier: TokenVerifier, options: VerifiedTokenCacheOptions): CachingTokenVerifier {
  const now = options.now ?? Date.now;
  const max = options.maxTokens ?? 50_000;
  const tokens = new LRUCache<string, VerifiedToken>({ max, ttlAutopurge: false });
  const lastChecked = new LRUCache<string, number>({ max });
  const revokedBefore = new LRUCache<string, number>({ max, ttl: LONGEST_TOKEN_LIFE_MS });

  // auth_time has one-second resolution. Firebase voids sign-ins of earlier
  // seconds only; here a sign-in in the revocation's own second is void too, so a
  // revocation is never missed, at the price of a re-sign-in in that second.
  const isRevoked = (token: VerifiedToken) =>
    token.authTimeSeconds * 1000 <= (revokedBefore.get(token.externalUserId) ?? -Infinity);
  const isFresh = (token: VerifiedToken) =>
    token.expiresAtMs > now() &&
    now() - (lastChecked.get(token.externalUserId) ?? -Infinity) < options.recheckMs &&
    !isRevoked(token);

  return {
    async verify(idToken) {
      const key = createHash('sha256').update(idToken).digest('base64url');
      const cached = tokens.get(key);
      if (cached && isFresh(cached)) return cached;
      tokens.delete(key);
      const verified = await verifier.verify(idToken);
      // Firebase may not yet know of a revocation the bus already announced.
      if (isRevoked(verified)) throw new AppError('auth_invalid');
      const checkedAt = now();
      lastChecked.set(verified.externalUserId, checkedAt);
      tokens.set(key, verified, { ttl: Math.max(1, verified.expiresAtMs - checkedAt) });
      return verified;
    },
    revoke(externalUserId, atMs) {
      revokedBefore.set(externalUserId, Math.max(atMs, revokedBefore.get(externalUserId) ?? 0));
      lastChecked.delete(externalUserId);
    },
    close: () => verifier.close(),
  };
}
