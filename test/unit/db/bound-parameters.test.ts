import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { raw } from '@mikro-orm/sql';
import { describe, expect, it } from 'vitest';
import { bindParameters } from '../../../src/db/bound-parameters.ts';

const platform = new PostgreSqlPlatform();

describe('bindParameters: client text travels apart from the statement', () => {
  it('binds strings, keeps numbers, booleans and null inline', () => {
    expect(
      bindParameters(platform, 'update t set title = ?, n = ?, ok = ?, gone = ? where id = ?', [
        "é\udc00'; --",
        3,
        true,
        null,
        'id-1',
      ]),
    ).toEqual({
      sql: 'update t set title = $1, n = 3, ok = true, gone = null where id = $2',
      parameters: ["é\udc00'; --", 'id-1'],
    });
  });

  it('reads ?? as an identifier and \\? as a literal question mark, as the ORM does', () => {
    expect(bindParameters(platform, 'select ?? from t where doc \\? ? and a = ?', ['title', 'key', 'x'])).toEqual({
      sql: 'select "title" from t where doc ? $1 and a = $2',
      parameters: ['key', 'x'],
    });
  });

  it('spreads a list item by item and sends a JSON document as one parameter', () => {
    expect(
      bindParameters(platform, 'select * from t where id in (?) and doc = ?::jsonb', [['a', 'b', 7], { say: "it's" }]),
    ).toEqual({
      sql: 'select * from t where id in ($1, $2, 7) and doc = $3::jsonb',
      parameters: ['a', 'b', '{"say":"it\'s"}'],
    });
  });

  it('binds inside embedded fragments, numbering on', () => {
    expect(bindParameters(platform, 'select ? , (?)', ['a', raw('select ? + ?', ['b', 2])])).toEqual({
      sql: 'select $1 , (select $2 + 2)',
      parameters: ['a', 'b'],
    });
  });

  it('leaves a statement without values untouched, dollar quotes included', () => {
    const body = 'create function f() returns int as $$ select 1 $$ language sql';
    expect(bindParameters(platform, body, [])).toEqual({ sql: body, parameters: [] });
  });

  it('a date is written inline exactly as the ORM writes it', () => {
    const at = new Date('2026-12-07T10:00:00.000Z');
    expect(bindParameters(platform, 'select ?', [at]).sql).toBe(`select ${platform.quoteValue(at)}`);
  });
});
