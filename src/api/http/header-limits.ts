import type { IncomingHttpHeaders } from 'node:http';
import { MAX_LOCAL_USER_ID_LENGTH } from '../../auth/authenticator.ts';
import { validationFailed, type AppError } from '../../errors/app-error.ts';

/** Longest `Idempotency-Key` accepted (the stored key column and index stay bounded). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** C0 and C1 controls and DEL: never part of a key or an id (tab included). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

interface HeaderRule {
  header: string;
  name: string;
  maxLength: number;
}

const RULES: readonly HeaderRule[] = [
  { header: 'idempotency-key', name: 'Idempotency-Key', maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
  { header: 'x-local-user-id', name: 'X-Local-User-Id', maxLength: MAX_LOCAL_USER_ID_LENGTH },
];

/**
 * Checks the headers that reach storage, once for every surface (the host's
 * onRequest hook): an oversized or control-character value is a 400
 * `validation_failed` naming the header, not a database error.
 */
export function checkRequestHeaders(headers: IncomingHttpHeaders): AppError | undefined {
  const fields: Record<string, string> = {};
  for (const rule of RULES) {
    const raw = headers[rule.header];
    if (raw === undefined) continue;
    // Node joins repeated headers with ", "; the joined value is what the routes read.
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (value.length > rule.maxLength) fields[rule.name] = `must be at most ${rule.maxLength} characters`;
    else if (CONTROL.test(value)) fields[rule.name] = 'must not contain control characters';
  }
  return Object.keys(fields).length > 0 ? validationFailed(fields, 'Invalid request header') : undefined;
}
