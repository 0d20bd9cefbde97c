import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the suite, the benches and the history recorder make their databases on. */
export const ADMIN_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  url: string;
  name: string;
  /** Runs a statement on the maintenance database (to change this database itself). */
  admin(sql: string): Promise<void>;
  /** Drops it, with any connection still open to it. */
  drop(): Promise<void>;
}

/** A new, empty database named `<prefix>_<random hex>`; migrations run when Scryon opens it. */
export async function createScratchDatabase(prefix: string, adminUrl = ADMIN_POSTGRES_URL): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    await withClient(adminUrl, (client) => client.query(sql));
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, admin, drop: () => admin(`drop database if exists ${name} with (force)`) };
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
