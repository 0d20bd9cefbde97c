import { mkdirSync } from 'node:fs';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import { ConfigError } from '../config/config.ts';
import { MikroORM as PgliteMikroORM } from '@mikro-orm/pglite';
import { MikroORM as PostgresMikroORM } from '@mikro-orm/postgresql';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { BoundPgliteDriver, BoundPostgreSqlDriver } from './bound-drivers.ts';
import { ENTITIES } from './entities.ts';
import { MIGRATIONS } from './migrations/index.ts';

export type Orm = PostgresMikroORM | PgliteMikroORM;
export type Em = SqlEntityManager;

export interface DatabaseOptions {
  /** A PostgreSQL URL; absent means embedded PGlite. */
  url?: string | undefined;
  /** PGlite data directory (ignored with `url`); `memory://` for a throwaway database. */
  pgliteDir: string;
  /** Receives MikroORM's own messages (migrations applied, warnings). */
  log?: (message: string) => void;
}

const shared = {
  entities: ENTITIES,
  extensions: [Migrator] as (typeof Migrator)[],
  migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false },
  // Requests fork the EntityManager explicitly; a global one would leak identity maps between users.
  allowGlobalContext: false,
  ensureDatabase: false,
  // SQL-only tables with no entity, each written and read by one *-queries.ts
  // (search_entries' columns are PostgreSQL's own: regconfig, a generated
  // tsvector); migrations alone shape them.
  // The call event log's triggers and their functions, likewise, are the migration's alone.
  schemaGenerator: {
    skipTables: [
      'search_entries',
      'provider_usage',
      'call_events',
      'webhook_fanout',
      'webhook_endpoints',
      'webhook_deliveries',
      'webhook_attempts',
    ],
    ignoreTriggers: true,
    ignoreRoutines: true,
  },
};

/** Opens the database and applies every pending migration: the app migrates on start. */
export async function openDatabase(options: DatabaseOptions): Promise<Orm> {
  const logger = options.log ?? (() => undefined);
  const orm = options.url ? await openPostgres(options.url, logger) : await openPglite(options.pgliteDir, logger);
  await orm.migrator.up();
  return orm;
}

async function openPostgres(url: string, logger: (message: string) => void): Promise<PostgresMikroORM> {
  // The migrator creates a missing database (whatever `ensureDatabase` says): a typo in the name must not.
  await assertDatabaseReachable(url);
  // JIT off: Scryon's statements are short, and the JIT compiled the period
  // summary over 100,000 calls for longer than the query ran.
  return PostgresMikroORM.init({
    ...shared,
    driver: BoundPostgreSqlDriver,
    logger,
    clientUrl: url,
    pool: { min: 1, max: 10 },
    driverOptions: { options: '-c jit=off' },
  });
}

async function openPglite(dataDir: string, logger: (message: string) => void): Promise<PgliteMikroORM> {
  if (!dataDir.startsWith('memory:')) mkdirSync(dataDir, { recursive: true });
  // The search index pairs the owner with the words in one GIN index (see the search-entries migration).
  return PgliteMikroORM.init({
    ...shared,
    driver: BoundPgliteDriver,
    logger,
    dbName: dataDir,
    driverOptions: { extensions: { btree_gin } },
  });
}

/** The health check's round trip: the database answers a statement. */
export async function pingDatabase(orm: Orm): Promise<void> {
  await orm.em.fork().execute('select 1');
}

/** PostgreSQL's codes for a connection that reached the server and was refused. */
const REFUSALS: Record<string, string> = {
  '28P01': 'refused the password',
  '28000': 'refused the user',
};

/** One connection before MikroORM's: a clear, one-line reason naming DATABASE_URL when it cannot be used. */
async function assertDatabaseReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new ConfigError(unreachableReason(url, error as { code?: string; message?: string }));
  } finally {
    await client.end().catch(() => undefined);
  }
}

function unreachableReason(url: string, error: { code?: string; message?: string }): string {
  const { hostname, port, pathname } = new URL(url);
  const database = decodeURIComponent(pathname.slice(1)) || "(the user's default)";
  const where = `${hostname}:${port || 5432}`;
  if (error.code === '3D000') {
    const fix = `create it (createdb ${database}) or fix DATABASE_URL`;
    return `DATABASE_URL: database ${database} does not exist on ${where}: ${fix}`;
  }
  const refusal = error.code ? REFUSALS[error.code] : undefined;
  if (refusal) return `DATABASE_URL: PostgreSQL on ${where} ${refusal} (${error.message}); fix DATABASE_URL`;
  const reason = error.code ?? error.message;
  return `DATABASE_URL: cannot connect to PostgreSQL on ${where} (${reason}); start it or fix DATABASE_URL`;
}
