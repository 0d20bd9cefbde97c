import { randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import type { CurrentUser, VerifiedIdentity } from './identity.ts';
import { User, type AccountStatus } from './user.entity.ts';

/**
 * Every read and write of `users`, and no other file touches it. The ORM for
 * the profile (load, change, flush), SQL where one statement must decide a
 * race: provisioning on a first request.
 */

/**
 * Find-or-create by Firebase uid in one statement, so two first requests of a
 * new user racing each other still produce one row. Profile fields from the
 * token seed a new row only: `displayName` belongs to the user afterwards.
 */
export async function provisionUser(em: Em, identity: VerifiedIdentity): Promise<CurrentUser> {
  const now = new Date();
  const rows = await em.execute<{ id: string; external_user_id: string; account_status: AccountStatus }[]>(
    `insert into users (id, external_user_id, email, display_name, photo_url, created_at, updated_at, last_login_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (external_user_id) do update set last_login_at = excluded.last_login_at,
       email = coalesce(users.email, excluded.email)
     returning id, external_user_id, account_status`,
    [
      randomUUID(),
      identity.externalUserId,
      identity.email ?? null,
      identity.name ?? null,
      identity.photoUrl ?? null,
      now,
      now,
      now,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('user upsert returned no row');
  return { id: row.id, externalUserId: row.external_user_id, accountStatus: row.account_status };
}

export function findUser(em: Em, userId: string): Promise<User | null> {
  return em.findOne(User, { id: userId });
}

/** The caller's changes to a loaded user, written. */
export async function saveUser(em: Em): Promise<void> {
  await em.flush();
}

/** The user's row; everything they own cascades with it. */
export async function deleteUserRow(em: Em, userId: string): Promise<void> {
  await em.execute('delete from users where id = ?', [userId]);
}

export async function displayNameOf(em: Em, userId: string): Promise<string | null> {
  const rows = await em.execute<{ display_name: string | null }[]>('select display_name from users where id = ?', [
    userId,
  ]);
  return rows[0]?.display_name ?? null;
}
