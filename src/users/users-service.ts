import type { Em } from '../db/orm.ts';
import { publishIdentityRevocation, type IdentityRevocation } from '../events/signal-bus.ts';
import { AppError } from '../errors/app-error.ts';
import type { CurrentUser, IdentityAdmin } from './identity.ts';
import type { User } from './user.entity.ts';
import { findUser, saveUser } from './user-queries.ts';
import { toUserProfile, type ProfileUpdate, type UserProfile } from './user-profile.ts';

export interface UsersServiceDeps {
  fork: () => Em;
  /** Firebase, when configured; the local-dev user has no identity to revoke. */
  identity: IdentityAdmin | undefined;
  adminEmails: readonly string[];
  /**
   * Voids the user's tokens on this instance at once; other instances hear
   * of it on the event bus (see publishIdentityRevocation).
   */
  revokeIdentity(revocation: IdentityRevocation): void;
}

/** The caller's own account: read and edit. Its deletion is the accounts' (accounts/delete-account.ts). */
export function createUsersService(deps: UsersServiceDeps) {
  const isAdmin = (user: User) => Boolean(user.email && deps.adminEmails.includes(user.email.toLowerCase()));

  async function loadUser(em: Em, userId: string): Promise<User> {
    const user = await findUser(em, userId);
    if (!user) throw new AppError('not_found', 'User not found');
    return user;
  }

  return {
    async getProfile(userId: string): Promise<UserProfile> {
      const user = await loadUser(deps.fork(), userId);
      return toUserProfile(user, isAdmin(user));
    },

    async updateProfile(userId: string, update: ProfileUpdate): Promise<UserProfile> {
      const em = deps.fork();
      const user = await loadUser(em, userId);
      if (update.displayName !== undefined) user.displayName = update.displayName;
      if (update.fcmToken !== undefined) user.fcmToken = update.fcmToken;
      await saveUser(em);
      return toUserProfile(user, isAdmin(user));
    },

    /** Sign-out everywhere: Firebase mints no new token, and the ones already issued are refused by every instance. */
    async signOutEverywhere(user: CurrentUser): Promise<void> {
      await deps.identity?.revokeSessions(user.externalUserId);
      const revocation = { externalUserId: user.externalUserId, atMs: Date.now() };
      deps.revokeIdentity(revocation);
      await publishIdentityRevocation(deps.fork(), revocation);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
