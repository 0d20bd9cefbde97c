import { randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors/app-error.ts';
import { User, type AccountStatus } from './user.entity.ts';
import { deleteAccount, type DeleteAccountDeps } from './delete-account.ts';
import { toUserProfile, type ProfileUpdate, type UserProfile } from './user-profile.ts';
import { computeUserStats, type UserStats } from './user-stats.ts';

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

/**
 * Find-or-create by Firebase uid in one statement, so two first requests of a
 * new user racing each other still produce one row. Profile fields from the
 * token seed a new row only: `displayName` belongs to the user afterwards.
 */
export async function provisionUser(em: Em, identity: VerifiedIdentity): Promise<CurrentUser> {
  const now = new Date();
  const rows = await em.getConnection().execute<{ id: string; external_user_id: string; account_status: AccountStatus }[]>(
    `insert into users (id, external_user_id, email, display_name, photo_url, created_at, updated_at, last_login_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (external_user_id) do update set last_login_at = excluded.last_login_at,
       email = coalesce(users.email, excluded.email)
     returning id, external_user_id, account_status`,
    [randomUUID(), identity.externalUserId, identity.email ?? null, identity.name ?? null, identity.photoUrl ?? null, now, now, now],
  );
  const row = rows[0];
  if (!row) throw new Error('user upsert returned no row');
  return { id: row.id, externalUserId: row.external_user_id, accountStatus: row.account_status };
}

export async function findUser(em: Em, userId: string): Promise<User | null> {
  return em.findOne(User, { id: userId });
}

export interface UsersServiceDeps extends DeleteAccountDeps {
  adminEmails: readonly string[];
  /** Drops the caller from the authentication cache once their account is gone. */
  forgetIdentity(externalUserId: string): void;
}

/** The caller's own account: read and edit. Account deletion lives in its own use case. */
export function createUsersService(deps: UsersServiceDeps) {
  const isAdmin = (user: User) => Boolean(user.email && deps.adminEmails.includes(user.email.toLowerCase()));

  async function loadUser(em: Em, userId: string): Promise<User> {
    const user = await em.findOne(User, { id: userId });
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
      await em.flush();
      return toUserProfile(user, isAdmin(user));
    },

    stats(userId: string): Promise<UserStats> {
      return computeUserStats(deps.fork(), userId);
    },

    async deleteAccount(user: CurrentUser): Promise<void> {
      await deleteAccount(deps, user.id);
      deps.forgetIdentity(user.externalUserId);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
