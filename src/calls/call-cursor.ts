import { AppError } from '../errors/app-error.ts';
import { decodeOpaque, encodeOpaque } from '../ids/opaque-token.ts';
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
  /** Tie-breaker among calls with the same key; absent in legacy cursors. */
  id?: string | undefined;
}

/**
 * Opaque to clients; base64url of JSON. The default order keeps the documented
 * `{"createdAt","id"}` shape, so its cursors are what they always were; any
 * other order names itself, and a cursor is only good for the order it came from.
 */
export function encodeCursor(sort: CallSort, cursor: CallCursor): string {
  const body = sort === '-createdAt' ? { createdAt: cursor.key, id: cursor.id } : { sort, key: cursor.key, id: cursor.id };
  return encodeOpaque(body);
}

export function decodeCursor(raw: string, sort: CallSort): CallCursor {
  const parsed = decodeOpaque(raw);
  const idOk = parsed.id === undefined || (typeof parsed.id === 'string' && isUuid(parsed.id));
  const key = sort === '-createdAt' && parsed.sort === undefined ? parsed.createdAt : parsed.sort === sort ? parsed.key : undefined;
  const checked = sort.endsWith('durationSeconds') ? durationKey(key) : instantKey(key);
  const id = parsed.id as string | undefined;
  if (checked !== undefined && idOk) return { key: checked, ...(id ? { id } : {}) };
  if (key === undefined && parsed.sort === sort && id && idOk) return { id };
  throw new AppError('validation_failed', 'Invalid cursor', { fields: { cursor: 'not a cursor returned by this API for this sort' } });
}

function instantKey(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return isStorableInstant(date) ? date.toISOString() : undefined;
}

function durationKey(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= -1 ? value : undefined;
}
