import type { Em } from '../../db/orm.ts';

/** A user's calls deleted by id, and all of them found for the account's deletion. */

/** Deletes those of `callIds` that are the user's; their artifacts, items and events cascade. */
export async function deleteOwnedCalls(em: Em, userId: string, callIds: readonly string[]): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    'delete from call_records where user_id = ? and id in (?) returning id',
    [userId, [...callIds]],
  );
  return rows.map((row) => row.id);
}

export async function callIdsOfUser(em: Em, userId: string): Promise<string[]> {
  return (await em.execute<{ id: string }[]>('select id from call_records where user_id = ?', [userId])).map(
    (row) => row.id,
  );
}
