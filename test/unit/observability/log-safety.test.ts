import { Writable } from 'node:stream';
import fc from 'fast-check';
import type pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, sanitizeForLog, serializeError } from '../../../src/observability/logger.ts';

/** The patterns sanitizeForLog was first written with; its scanners must find the same matches. */
function regexSanitize(message: string): string {
  return message
    .replace(/Bearer\s+[\w.-]+/gi, 'Bearer [redacted]')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]')
    .replace(/\+?\d[\d\s().-]{6,}\d/g, (match) => `[phone …${match.replace(/\D/g, '').slice(-2)}]`);
}

function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  return { logger: createLogger('info', 'test', sink as unknown as pino.DestinationStream), lines };
}

/** What MikroORM's DriverException over a pg error looks like once it has every property copied over. */
function driverException(): Error {
  const error = new Error(
    'null value in column "created_at" of relation "users" violates not-null constraint\n - detail: Failing row ' +
      'contains (u-1, Ravi Kumar, ravi.kumar@acme.example, +91 98765 43210).',
  );
  error.name = 'NotNullConstraintViolationException';
  Object.assign(error, {
    code: '23502',
    detail: 'Failing row contains (u-1, Ravi Kumar, ravi.kumar@acme.example, +91 98765 43210).',
    where: 'SQL statement "insert into users values (\'Ravi Kumar\')"',
    sql: "insert into users (name, phone) values ('Ravi Kumar', '+91 98765 43210')",
    query: 'insert into users (name, phone) values ($1, $2)',
    params: ['Ravi Kumar', '+91 98765 43210'],
    parameters: ['Ravi Kumar', '+91 98765 43210'],
    values: ['Ravi Kumar', '+91 98765 43210'],
    table: 'users',
  });
  return error;
}

describe('the error serializer', () => {
  it('keeps name, code, stack frames and a sanitised message, and drops the statement and its values', () => {
    const { logger, lines } = capture();
    logger.error({ err: driverException() }, 'procedure failed');
    logger.error({ error: driverException() }, 'procedure failed');
    logger.error(driverException(), 'procedure failed');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      for (const pii of ['Ravi', '98765', 'ravi.kumar', 'acme']) expect(line).not.toContain(pii);
      const record = JSON.parse(line) as { err?: Record<string, unknown>; error?: Record<string, unknown> };
      const err = (record.err ?? record.error) as Record<string, unknown>;
      expect(Object.keys(err).sort()).toEqual(['code', 'message', 'name', 'stack']);
      expect(err).toMatchObject({
        name: 'NotNullConstraintViolationException',
        code: '23502',
        message: 'null value in column "created_at" of relation "users" violates not-null constraint',
      });
      expect(err.stack).toMatch(/^NotNullConstraintViolationException\n\s+at /);
    }
  });

  it('masks the offending input a database message ends with', () => {
    const error = Object.assign(new Error('invalid input syntax for type uuid: "Ravi Kumar +91 98765 43210"'), {
      code: '22P02',
    });
    expect(serializeError(error)).toMatchObject({ message: 'invalid input syntax for type uuid: [input]' });
  });

  it('sanitises messages and stacks of any error, and its cause', () => {
    const cause = new Error('lookup of ravi.kumar@acme.example failed');
    const error = new Error('upstream said: call +91 98765 43210\nBearer abc.def', { cause });
    const serialized = serializeError(error) as Record<string, unknown>;
    const text = JSON.stringify(serialized);
    for (const pii of ['98765', 'ravi.kumar', 'abc.def']) expect(text).not.toContain(pii);
    expect(serialized).toMatchObject({ name: 'Error', cause: { name: 'Error', message: 'lookup of [email] failed' } });
    expect(String(serialized.stack)).not.toContain('upstream said');
  });

  it('turns a thrown non-error into sanitised text', () => {
    expect(serializeError('failed for ravi.kumar@acme.example')).toBe('failed for [email]');
    expect(serializeError(undefined)).toBeUndefined();
  });
});

describe('sanitizeForLog', () => {
  it('masks emails, phone numbers and bearer tokens in free text', () => {
    expect(sanitizeForLog('call +91 98765 43210 or mail ravi@acme.example with Bearer abc.def')).toBe(
      'call [phone …10] or mail [email] with Bearer [redacted]',
    );
  });

  it('finds exactly what the original patterns found', () => {
    const alphabet = fc.constantFrom(
      ...'0123456789 +-.()@abcXY_\tB'.split(''),
      'Bearer ',
      'bearer\t',
      '.com',
      '\u00a0',
      'é',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        expect(sanitizeForLog(text)).toBe(regexSanitize(text));
      }),
      { numRuns: 3000 },
    );
  });

  // Each of these made the original patterns backtrack quadratically (minutes for 1 MB).
  it.each([
    ['digits and spaces', '1 '.repeat(512 * 1024), '[phone …11] '],
    ['one long run of digits', '1'.repeat(1024 * 1024), '[phone …11]'],
    ['digits ending in an @', `${'1'.repeat(1024 * 1024)}@`, '[phone …11]@'],
    ['digits between separators', '1------'.repeat(150_000), '[phone …11]------'],
    ['a digit then a million spaces', `1${' '.repeat(1024 * 1024)}`, `1${' '.repeat(1024 * 1024)}`],
  ])('handles 1 MB of %s in linear time', (_shape, input, expected) => {
    expect(sanitizeForLog(input)).toBe(expected);
  });

  it('handles 1 MB of addresses and words around @', () => {
    expect(sanitizeForLog('a@'.repeat(512 * 1024))).toBe('a@'.repeat(512 * 1024));
    expect(sanitizeForLog('ravi@acme.example '.repeat(60_000))).toBe('[email] '.repeat(60_000));
  });
});
