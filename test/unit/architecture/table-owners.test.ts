import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownedBy, ownershipViolations, productionSources, TABLE_OWNERS, type SourceFile } from './sql-owners.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const readable = (violations: ReturnType<typeof ownershipViolations>) =>
  violations.map((v) => `${v.file}:${v.line} ${v.what}`);

describe('one owner per table', () => {
  it('no file but its owner issues SQL on a domain table (call history reads) or reaches it via its entity', () => {
    expect(readable(ownershipViolations(productionSources(ROOT)))).toEqual([]);
  });

  it('every owner module exists and holds the statements of its table', () => {
    const sources = productionSources(ROOT);
    for (const [table, { owner, entity }] of Object.entries(TABLE_OWNERS)) {
      const texts = sources.filter((file) => ownedBy(owner, file.path)).map((file) => file.text);
      expect(texts, owner).not.toEqual([]);
      expect(
        texts.some((text) => text.includes(table) || (entity !== undefined && text.includes(entity))),
        `${owner} names ${table}`,
      ).toBe(true);
    }
  });

  describe('the checker', () => {
    const check = (file: string, text: string) =>
      readable(ownershipViolations([{ path: file, text } satisfies SourceFile]));

    it('flags SQL on a table outside its owner, and accepts it inside', () => {
      const text = "export const q = (em) => em.execute('select id from call_records where id = ?', [1]);";
      expect(check('src/calls/calls-service.ts', text)).toEqual([
        'src/calls/calls-service.ts:1 a raw statement outside the owner modules',
        'src/calls/calls-service.ts:1 SQL on call_records, owned by src/calls/records/',
      ]);
      expect(check('src/calls/records/sweeps.ts', text)).toEqual([]);
    });

    it('lets the call history read across tables, and flags its writes and entity imports', () => {
      const read =
        'export const q = (em) => ' +
        'em.execute(`select c.id from call_records c join action_items i on i.call_record_id = c.id`);';
      expect(check('src/call-history/x.ts', read)).toEqual([]);
      expect(check('src/call-history/x.ts', "em.execute('delete from action_items where id = ?');")).toEqual([
        'src/call-history/x.ts:1 SQL on action_items, owned by src/actions/action-item-queries.ts',
      ]);
      expect(check('src/call-history/x.ts', "em.execute('update call_records set title = ?');")).toEqual([
        'src/call-history/x.ts:1 SQL on call_records, owned by src/calls/records/',
      ]);
      expect(check('src/call-history/x.ts', "import { ActionItem } from '../actions/action-item.entity.ts';")).toEqual([
        'src/call-history/x.ts:1 imports the ActionItem entity, ' +
          'whose table action_items is owned by src/actions/action-item-queries.ts',
      ]);
    });

    it('reads templates and quoted names, and never comments', () => {
      expect(check('src/x.ts', 'const t = `delete from "action_items" where id = ${id}`;')).toEqual([
        'src/x.ts:1 SQL on action_items, owned by src/actions/action-item-queries.ts',
      ]);
      expect(check('src/x.ts', '// this deletes from users and updates call_records\nexport {};')).toEqual([]);
    });

    it('flags a value import of an entity outside its owner, not a type import', () => {
      expect(check('src/x.ts', "import { CallRecord } from './calls/call-record.entity.ts';")).toEqual([
        'src/x.ts:1 imports the CallRecord entity, whose table call_records is owned by src/calls/records/',
      ]);
      expect(
        check(
          'src/x.ts',
          "import type { CallRecord } from './calls/call-record.entity.ts';\n" +
            "import { type ActionItem, ACTION_STATUSES } from './a.ts';",
        ),
      ).toEqual([]);
    });

    it('flags any hand-written statement outside the owners and the table-free infrastructure', () => {
      expect(check('src/api/x.ts', "await em.getConnection().execute('select 1');")).toEqual([
        'src/api/x.ts:1 a raw statement outside the owner modules',
      ]);
      expect(check('src/db/orm.ts', "await em.execute('select 1');")).toEqual([]);
    });
  });
});
