import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecord } from '../../../src/calls/call-record.entity.ts';
import { columnOf, insertColumns } from '../../../src/db/entity-columns.ts';
import { openDatabase, type Orm } from '../../../src/db/orm.ts';
import { User } from '../../../src/users/user.entity.ts';

describe('statements written from entity metadata', () => {
  let orm: Orm;
  beforeAll(async () => {
    orm = await openDatabase({ pgliteDir: 'memory://' });
  });
  afterAll(async () => {
    await orm.close();
  });

  it('name the columns the entities map to, relations included', () => {
    const em = orm.em.fork();
    const row = insertColumns<CallRecord>(em, CallRecord, { id: 'c', user: 'u', contactName: 'Ravi', audioByteSize: 7 });
    expect(row).toEqual({ table: '"call_records"', columns: '"id", "user_id", "contact_name", "audio_byte_size"', placeholders: '?, ?, ?, ?', params: ['c', 'u', 'Ravi', 7] });
    expect(columnOf<CallRecord>(em, CallRecord, 'recordedAt')).toBe('"recorded_at"');
  });

  it('insert a row the ORM then reads back as written', async () => {
    const em = orm.em.fork();
    const user = em.create(User, { id: '4c5d6e7f-0000-4000-8000-0000000000aa', externalUserId: 'entity-columns' });
    await em.flush();
    const recordedAt = new Date('2026-11-02T10:00:00.000Z');
    const row = insertColumns<CallRecord>(em, CallRecord, {
      id: '4c5d6e7f-0000-4000-8000-000000000001', user: user.id, contactName: 'Ravi', direction: 'OUTGOING',
      recordedAt, status: 'QUEUED', audioByteSize: 1234, createdAt: recordedAt, updatedAt: recordedAt,
    });
    await em.getConnection().execute(`insert into ${row.table} (${row.columns}) values (${row.placeholders})`, row.params);
    const call = await orm.em.fork().findOneOrFail(CallRecord, row.params[0] as string);
    expect(call).toMatchObject({ user: user.id, contactName: 'Ravi', direction: 'OUTGOING', recordedAt, status: 'QUEUED', audioByteSize: 1234 });
  });

  it('refuse a property that is not one column', () => {
    expect(() => insertColumns<CallRecord>(orm.em.fork(), CallRecord, { notAProperty: 1 } as never)).toThrow(/CallRecord\.notAProperty is not a single-column property/);
  });
});
