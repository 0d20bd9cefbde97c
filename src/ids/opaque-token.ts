/**
 * Cursors and sync tokens as clients carry them: base64url of JSON, opaque to
 * them. Decoding never throws: anything that is not one of ours reads as an
 * empty object, which the caller's own checks then refuse with its 400.
 */
export function encodeOpaque(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeOpaque(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
