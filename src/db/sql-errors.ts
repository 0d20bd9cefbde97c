/** PostgreSQL's SQLSTATEs (PGlite reports the same): a row whose parent row is gone; a key taken. */
const FOREIGN_KEY_VIOLATION = '23503';
const UNIQUE_VIOLATION = '23505';

/** A write refused because the row it belongs to (a call, a user) was deleted meanwhile. */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === FOREIGN_KEY_VIOLATION;
}

/** A write refused because another wrote the same key first (a concurrent twin of the request). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}
