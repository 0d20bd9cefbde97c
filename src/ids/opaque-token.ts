import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

/**
 * Cursors, sync tokens and upload grants as clients carry them: opaque to them, and sealed.
 * A position a client could write (a rank, a transaction id, when a token
 * was issued) lets it skip the 410 of an expired token or reach SQL with a
 * value no query expects; a position it could read tells it the server-wide
 * transaction counter. So the JSON is encrypted and authenticated
 * (AES-256-GCM) under a key derived from the server's secret, and bound to
 * its kind, so a cursor of one read is never taken for another's.
 *
 * The nonce is derived from the content (an HMAC of kind and JSON), the
 * synthetic-IV construction: the same position always seals to the same
 * token, so every surface answers alike, and a nonce repeats only with its
 * own plaintext.
 *
 * Opening never throws: anything that is not one of ours (a bad tag, a bad
 * shape, another kind) reads as an empty object, which the caller's own
 * checks refuse with its 400.
 */

const TOKEN_KINDS = ['calls.cursor', 'search.cursor', 'changes.token', 'calls.upload'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface OpaqueTokens {
  seal(kind: TokenKind, value: Record<string, unknown>): string;
  open(kind: TokenKind, raw: string): Record<string, unknown>;
}

const CIPHER = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Anything longer is not one of ours; refused before any work. */
const MAX_TOKEN_CHARS = 1_000;

export function createOpaqueTokens(secret: string | Buffer): OpaqueTokens {
  const keys = Buffer.from(hkdfSync('sha256', secret, 'scryon', 'opaque tokens v1', 64));
  const encryptionKey = keys.subarray(0, 32);
  const nonceKey = keys.subarray(32);
  return {
    seal(kind, value) {
      const plain = Buffer.from(JSON.stringify(value));
      const nonce = createHmac('sha256', nonceKey).update(`${kind}\0`).update(plain).digest().subarray(0, NONCE_BYTES);
      const cipher = createCipheriv(CIPHER, encryptionKey, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(kind));
      const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url');
    },
    open(kind, raw) {
      const usable = typeof raw === 'string' && raw.length <= MAX_TOKEN_CHARS;
      const plain = usable ? decrypt(encryptionKey, kind, raw) : undefined;
      return plain === undefined ? {} : objectOf(plain);
    },
  };
}

function decrypt(key: Buffer, kind: TokenKind, raw: string): string | undefined {
  const bytes = Buffer.from(raw, 'base64url');
  // One spelling per token: the same bytes with padding or stray characters are not it.
  if (bytes.length <= NONCE_BYTES + TAG_BYTES || bytes.toString('base64url') !== raw) return undefined;
  const nonce = bytes.subarray(0, NONCE_BYTES);
  const sealed = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES }).setAAD(Buffer.from(kind));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function objectOf(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    return isObject ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
