import { AppError } from '../errors/app-error.ts';

/**
 * Text PostgreSQL cannot hold, or that a driver cannot encode faithfully, is
 * refused here once, on every surface and in upload metadata, as a 400 naming
 * the field; nothing is stored. Two kinds:
 * - U+0000: PostgreSQL text cannot hold it (it answered 500);
 * - an unpaired UTF-16 surrogate: it has no UTF-8 form, so every encoder
 *   replaces or miscounts it (PGlite's cut the statement short).
 * Keys are checked like values: a JSON document stores both.
 */
export function refuseUnstorableText(input: unknown, prefix = ''): void {
  const found = unstorableField(input, prefix);
  if (found)
    throw new AppError('validation_failed', 'The request is invalid', {
      fields: { [found.field || '(root)']: found.reason },
    });
}

/** Text from a source the user cannot correct (a token's claims), made storable instead of refused. */
export function storableText(value: string): string {
  return value.toWellFormed().replaceAll('\u0000', '');
}

interface Unstorable {
  field: string;
  reason: string;
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character';
  if (!text.isWellFormed()) return 'must be well-formed Unicode (it contains an unpaired surrogate)';
  return undefined;
}

function unstorableField(value: unknown, path: string): Unstorable | undefined {
  if (typeof value === 'string') {
    const reason = textProblem(value);
    return reason ? { field: path, reason } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = childProblem(value[index], path, String(index));
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const keyReason = textProblem(key);
    if (keyReason) return { field: path ? `${path}.(key)` : '(key)', reason: keyReason };
    const found = childProblem((value as Record<string, unknown>)[key], path, key);
    if (found) return found;
  }
  return undefined;
}

/** A child's field path is spelled only when it holds a problem: a clean poll of 100 ids builds none. */
function childProblem(child: unknown, path: string, key: string): Unstorable | undefined {
  if (typeof child === 'string' && textProblem(child) === undefined) return undefined;
  if (child === null || (typeof child !== 'object' && typeof child !== 'string')) return undefined;
  return unstorableField(child, path ? `${path}.${key}` : key);
}
