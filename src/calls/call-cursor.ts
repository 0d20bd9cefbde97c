import { AppError } from '../errors/app-error.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import { isUuid } from '../ids/uuid.ts';
import { isStorableInstant } from '../time/storable-time.ts';
import type { CallSort } from './call-schemas.ts';

/** Where a page ends: the last call's sort key and id. */
export interface CallCursor {
  /**
   * An ISO instant (createdAt, recordedAt) or a number (durationSeconds; -1
   * stands for unknown). Absent in a GraphQL edge's cursor outside the default
   * order, whose node does not show its key: the call's own row supplies it.
   */
  key?: string | number | undefined;
  /** Tie-breaker among calls with the same key. */
  id?: string | undefined;
}

/**
 * Sealed (see opaque-token.ts): a client can neither read nor write a position.
 * A cursor names its order, and is only good for the order it came from.
 */
export function encodeCursor(tokens: OpaqueTokens, sort: CallSort, cursor: CallCursor): string {
  return tokens.seal('calls.cursor', { sort, key: cursor.key, id: cursor.id });
}

export function decodeCursor(tokens: OpaqueTokens, raw: string, sort: CallSort): CallCursor {
  const parsed = tokens.open('calls.cursor', raw);
  const cursor = parsed.sort === sort ? checked(parsed.key, parsed.id, sort) : undefined;
  if (cursor) return cursor;
  throw new AppError('validation_failed', 'Invalid cursor', {
    fields: { cursor: 'not a cursor returned by this API for this sort' },
  });
}

/** Checked even though sealed: a value that reaches SQL is bounded, whoever wrote it. */
function checked(key: unknown, id: unknown, sort: CallSort): CallCursor | undefined {
  if (id !== undefined && !(typeof id === 'string' && isUuid(id))) return undefined;
  const ids = typeof id === 'string' ? { id } : {};
  if (key === undefined) return ids.id ? ids : undefined;
  const bounded = sort.endsWith('durationSeconds') ? durationKey(key) : instantKey(key);
  return bounded === undefined ? undefined : { key: bounded, ...ids };
}

function instantKey(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return isStorableInstant(date) ? date.toISOString() : undefined;
}

/** Every finite number is a double precision; -1 stands for unknown. */
function durationKey(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= -1 ? value : undefined;
}
