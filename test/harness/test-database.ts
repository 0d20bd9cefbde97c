import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  url: string;
  name: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement on the maintenance database (to change this database itself). */
  admin(sql: string): Promise<void>;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database per test file; migrations run when the app opens it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('postgresUrl');
  const name = `scryon_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // Tests kill and drop connections on purpose (health DOWN, forced drop); an idle client's error is expected.
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    name,
    async query(sql, params) {
      return (await pool.query(sql, params)).rows;
    },
    async admin(sql) {
      await withClient(adminUrl, (client) => client.query(sql));
    },
    async drop() {
      await pool.end();
      await withClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
