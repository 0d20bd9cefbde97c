import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isUuid, uuidSchema } from '../../../src/ids/uuid.ts';

describe('isUuid', () => {
  it('accepts the ids the app makes, in either case', () => {
    const id = randomUUID();
    expect(isUuid(id)).toBe(true);
    expect(isUuid(id.toUpperCase())).toBe(true);
  });

  it('accepts any 8-4-4-4-12 hex string, whatever its version digit', () => {
    expect(isUuid('00000000-0000-0000-0000-000000000001')).toBe(true);
  });

  it('refuses what is not 8-4-4-4-12 hex', () => {
    for (const value of [
      '',
      'abc',
      '0000000-0000-0000-0000-000000000000',
      'g0000000-0000-0000-0000-000000000000',
      `${randomUUID()}x`,
      ` ${randomUUID()}`,
    ]) {
      expect(isUuid(value), value).toBe(false);
    }
  });
});

describe('uuidSchema', () => {
  it('accepts the ids the app makes and refuses ids without an RFC 9562 version', () => {
    expect(uuidSchema.safeParse(randomUUID()).success).toBe(true);
    expect(uuidSchema.safeParse('00000000-0000-0000-0000-000000000001').success).toBe(false);
  });
});
