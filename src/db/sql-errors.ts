/** PostgreSQL's SQLSTATE for a row whose parent row is gone (PGlite reports the same). */
const FOREIGN_KEY_VIOLATION = '23503';

/** A write refused because the row it belongs to (a call, a user) was deleted meanwhile. */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === FOREIGN_KEY_VIOLATION;
}
