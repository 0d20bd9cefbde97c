import type { Em } from './orm.ts';

/**
 * Runs `statement`, a delete of at most `chunk` rows (its last parameter)
 * that ends `select count(*)::int as count from gone`, until a run deletes
 * fewer: a backlog of any size goes in bounded statements, counted, never
 * loaded. The caller, the table's owner, writes the statement.
 */
export async function deleteInChunks(em: Em, statement: string, params: unknown[], chunk: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await em.execute<{ count: number }[]>(statement, [...params, chunk]);
    const count = Number(rows[0]!.count);
    deleted += count;
    if (count < chunk) return deleted;
  }
}
