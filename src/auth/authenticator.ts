import { timingSafeEqual } from 'node:crypto';
import { AppError, validationFailed } from '../errors/app-error.ts';
import type { CurrentUser, VerifiedIdentity } from '../users/identity.ts';
import type { IdentityRevocation } from '../events/signal-bus.ts';
import type { CachingTokenVerifier } from './verified-token-cache.ts';

export const LOCAL_DEV_USER_ID = 'local-dev';
/** Longest `X-Local-User-Id` taken as an external user id (the HTTP host refuses longer ones first). */
export const MAX_LOCAL_USER_ID_LENGTH = 128;

export interface AuthHeaders {
  authorization?: string | undefined;
  localUserId?: string | undefined;
}

export interface Authenticator {
  authenticate(headers: AuthHeaders): Promise<CurrentUser>;
  /** Voids the user's tokens signed in up to the revocation and forgets their cached row. */
  revoke(revocation: IdentityRevocation): void;
}

export interface AuthenticatorOptions {
  /**
   * Firebase verifier; absent means the local-dev user (only in
   * `dev`: config refuses staging and prod without Firebase).
   */
  verifier: CachingTokenVerifier | undefined;
  /**
   * `config.auth.localDevUser`. When false, a missing verifier refuses every
   * caller (401) instead of letting `X-Local-User-Id` name anyone. Absent: the
   * local-dev user is on exactly when there is no verifier.
   */
  localDevUser?: boolean;
  provision: (identity: VerifiedIdentity) => Promise<CurrentUser>;
  /** How long a uid → user row mapping is trusted before the row is touched again. */
  provisionCacheMs?: number;
}

/**
 * Verifies the caller and finds-or-creates their row. The row lookup is cached
 * briefly per uid so hot polling routes cost one token check, not a write.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const cacheMs = options.provisionCacheMs ?? 60_000;
  const provisioned = new Map<string, { user: CurrentUser; at: number }>();

  async function provisionCached(identity: VerifiedIdentity): Promise<CurrentUser> {
    const hit = provisioned.get(identity.externalUserId);
    if (hit && Date.now() - hit.at < cacheMs) return hit.user;
    const user = await options.provision(identity);
    if (provisioned.size > 10_000) provisioned.clear();
    provisioned.set(identity.externalUserId, { user, at: Date.now() });
    return user;
  }

  const localDevUser = options.localDevUser ?? options.verifier === undefined;
  return {
    async authenticate(headers) {
      if (!options.verifier) {
        if (!localDevUser) throw new AppError('auth_missing');
        const externalUserId = headers.localUserId?.trim() || LOCAL_DEV_USER_ID;
        if (externalUserId.length > MAX_LOCAL_USER_ID_LENGTH)
          throw validationFailed({ 'X-Local-User-Id': `must be at most ${MAX_LOCAL_USER_ID_LENGTH} characters` });
        const name = externalUserId === LOCAL_DEV_USER_ID ? 'Local Dev' : externalUserId;
        return active(await provisionCached({ externalUserId, name }));
      }
      const token = bearerToken(headers.authorization);
      return active(await provisionCached(await options.verifier.verify(token)));
    },
    revoke({ externalUserId, atMs }) {
      options.verifier?.revoke(externalUserId, atMs);
      provisioned.delete(externalUserId);
    },
  };
}

/** An account an operator suspended or disabled is refused everywhere, within the provisioning cache's time. */
function active(user: CurrentUser): CurrentUser {
  if (user.accountStatus === 'SUSPENDED') throw new AppError('account_suspended');
  if (user.accountStatus === 'DISABLED') throw new AppError('account_disabled');
  return user;
}

function bearerToken(header: string | undefined): string {
  if (!header) throw new AppError('auth_missing');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new AppError('auth_invalid');
  return match[1];
}

/** The shared API key never identifies a user; it only gates `/api/**` when configured. */
export function checkApiKey(
  expected: string | undefined,
  headers: { xApiKey?: string | undefined; xScryonApiKey?: string | undefined },
): void {
  if (!expected) return;
  const presented = headers.xApiKey ?? headers.xScryonApiKey;
  if (!presented || !constantTimeEquals(presented, expected)) throw new AppError('api_key_invalid');
}

function constantTimeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
