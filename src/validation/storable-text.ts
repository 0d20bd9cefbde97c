import { AppError } from '../errors/app-error.ts';

/**
 * PostgreSQL text cannot hold U+0000: a string carrying it would fail at
 * the database as a 500. Every input is checked here once, on every surface,
 * so it is a 400 naming the field instead, and nothing is stored.
 */
export function refuseNulCharacters(input: unknown, prefix = ''): void {
  const field = nulField(input, prefix);
  if (field !== undefined) throw new AppError('validation_failed', 'The request is invalid', { fields: { [field || '(root)']: 'must not contain the NUL character' } });
}

function nulField(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = nulField(child, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}
