import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { operations } from '../../../src/api/operations/index.ts';
import { parseInput } from '../../../src/api/operations/operation.ts';
import { AppError } from '../../../src/errors/app-error.ts';

const allOperations = Object.entries(operations).flatMap(([group, members]) =>
  Object.entries(members).map(([name, operation]) => [`${group}.${name}`, operation] as const),
);

/** Values a hostile client can put in a JSON body or a query string, shaped like the inputs or not. */
const hostileValue = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(
    fc.constantFrom(
      'id',
      'ids',
      'callId',
      'callIds',
      'limit',
      'cursor',
      'status',
      'displayName',
      'fcmToken',
      'title',
      'dueDate',
      'priority',
      'description',
    ),
    fc.jsonValue(),
  ),
  fc.record({ ids: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 120 })) }),
  fc.record({ limit: fc.oneof(fc.string(), fc.double(), fc.integer()), cursor: fc.string(), status: fc.string() }),
  fc.record({ displayName: fc.string({ unit: 'grapheme', maxLength: 300 }) }),
  fc.record({ dueDate: fc.string(), title: fc.string() }),
);

describe('every operation input schema, fuzzed', () => {
  it.each(allOperations)(
    '%s accepts or refuses with validation_failed, never throws anything else',
    (_name, operation) => {
      fc.assert(
        fc.property(hostileValue, (value) => {
          try {
            parseInput(operation.input, value);
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
            expect((error as AppError).code).toBe('validation_failed');
            expect((error as AppError).details?.fields).toBeTypeOf('object');
          }
        }),
        { numRuns: 300 },
      );
    },
  );

  it('refuses a valid-looking input with an extra key on the strict schemas', () => {
    expect(() => parseInput(operations.users.updateMe.input, { displayName: 'Ravi', isAdmin: true })).toThrow(AppError);
    expect(() =>
      parseInput(operations.actions.updateStatus.input, { id: 'x', status: 'DONE', userId: 'someone-else' }),
    ).toThrow(AppError);
  });
});
