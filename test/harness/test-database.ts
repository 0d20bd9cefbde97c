import pg from 'pg';
import { inject } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';

export interface TestDatabase extends ScratchDatabase {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A fresh PostgreSQL database per test file; migrations run when the app opens it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const database = await createScratchDatabase('scryon_test', inject('postgresUrl'));
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // Tests kill and drop connections on purpose (health DOWN, forced drop); an idle client's error is expected.
  pool.on('error', () => undefined);
  return {
    ...database,
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    async drop() {
      await pool.end();
      await database.drop();
    },
  };
}
