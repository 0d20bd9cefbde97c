import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Orm } from '../../../src/db/orm.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database.ts';

describe('committed migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it.each(['postgres', 'pglite'] as const)('build exactly the schema the entities describe on %s, and re-running changes nothing', async (kind) => {
    const open = () => openDatabase(kind === 'postgres' ? { url: db.url, pgliteDir: '' } : { pgliteDir: 'memory://' });
    let orm: Orm = await open();
    try {
      expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
      const applied = (await orm.migrator.getExecuted()).map((migration) => migration.name);
      expect(applied).toEqual(['Migration20261124InitialSchema', 'Migration20261202CallDeletions', 'Migration20261203CallListOrders', 'Migration20261204SearchEntries', 'Migration20261204CallJudgements', 'Migration20261204ProviderUsage', 'Migration20261205ChangeLog', 'Migration20261205ItemRecordedAt', 'Migration20261206Webhooks', 'Migration20261207WebhookClaims', 'Migration20261207AccountStatusNotice']);
      if (kind === 'postgres') {
        await orm.close();
        orm = await open();
        expect((await orm.migrator.getExecuted()).map((migration) => migration.name)).toEqual(applied);
      }
    } finally {
      await orm.close();
    }
  });
});
