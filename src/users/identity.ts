import type { AccountStatus } from './user.entity.ts';

/** What the identity provider vouches for about a caller whose token it verified. */
export interface VerifiedIdentity {
  externalUserId: string;
  email?: string | undefined;
  name?: string | undefined;
  photoUrl?: string | undefined;
}

/** What a request carries about its caller once authenticated. */
export interface CurrentUser {
  id: string;
  externalUserId: string;
  /** SUSPENDED and DISABLED accounts are refused by the authenticator on every surface. */
  accountStatus: AccountStatus;
}

/** The identity provider's side of account deletion and sign-out (Firebase). */
export interface IdentityAdmin {
  /** Best effort by contract: the Scryon account is gone whatever Firebase answers. */
  deleteUser(externalUserId: string): Promise<void>;
  /** Voids every refresh token, so no device can mint a new ID token without signing in again. */
  revokeSessions(externalUserId: string): Promise<void>;
}
