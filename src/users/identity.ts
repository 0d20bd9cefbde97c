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

/** The identity provider's side of account deletion (Firebase); best effort by contract. */
export interface IdentityAdmin {
  deleteUser(externalUserId: string): Promise<void>;
}
