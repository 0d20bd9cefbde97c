import { z } from 'zod';

/**
 * Ids are server-made `randomUUID()`s (v4). Two checks, each kept as its call
 * sites have always behaved:
 * - `isUuid`: any 8-4-4-4-12 hex string, either case. Lookups, cursors, polls
 *   and storage keys use it: a non-UUID simply names nothing.
 * - `uuidSchema`: zod's RFC 9562 `z.uuid()` (version and variant digits
 *   checked), for ids a contract declares as `format: uuid`.
 */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export const uuidSchema = z.uuid();
