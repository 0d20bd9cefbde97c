import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Orm } from '../../../src/db/orm.ts';
import { createScratchDatabase } from '../../harness/scratch-database.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database.ts';

describe('committed migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it.each(['postgres', 'pglite'] as const)(
    'build exactly the schema the entities describe on %s, and re-running changes nothing',
    async (kind) => {
      const open = () =>
        openDatabase(kind === 'postgres' ? { url: db.url, pgliteDir: '' } : { pgliteDir: 'memory://' });
      let orm: Orm = await open();
      try {
        expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
        const applied = (await orm.migrator.getExecuted()).map((migration) => migration.name);
        expect(applied).toEqual([
          'Migration20261124InitialSchema',
          'Migration20261202CallDeletions',
          'Migration20261203CallListOrders',
          'Migration20261204SearchEntries',
          'Migration20261204CallJudgements',
          'Migration20261204ProviderUsage',
          'Migration20261205ChangeLog',
          'Migration20261205ItemRecordedAt',
          'Migration20261206Webhooks',
          'Migration20261207WebhookClaims',
          'Migration20261207AccountStatusNotice',
          'Migration20261208CallEvents',
        ]);
        // Webhook payloads are built in src/webhooks, where they are unit-tested: no database function knows of them.
        const functions = await orm.em.fork().execute<{ name: string }[]>(
          `select proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
              where n.nspname = 'public' and (proname ilike '%webhook%' or prosrc ilike '%webhook%')`,
        );
        expect(functions).toEqual([]);
        if (kind === 'postgres') {
          await orm.close();
          orm = await open();
          expect((await orm.migrator.getExecuted()).map((migration) => migration.name)).toEqual(applied);
        }
      } finally {
        await orm.close();
      }
    },
  );

  it('are applied by `npm run migrate` as a step of its own, which exits 0 and leaves the schema current', async () => {
    const scratch = await createScratchDatabase('scryon_migrate_cli');
    try {
      const run = spawnSync('npm', ['run', '--silent', 'migrate'], {
        cwd: path.resolve(import.meta.dirname, '../../..'),
        env: { ...process.env, DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: string }>('select count(*) from mikro_orm_migrations');
        expect(Number(rows[0]!.count)).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
    } finally {
      await scratch.drop();
    }
  });
});
