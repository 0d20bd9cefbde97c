import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createOpaqueTokens, type TokenKind } from '../../src/ids/opaque-token.ts';
import type { TestApp } from './test-app.ts';

/**
 * A cursor or sync token sealed with the app's own secret, as only the server
 * could make it: what a test needs to reach the checks behind the seal.
 */
export function sealedToken(scryon: TestApp, kind: TokenKind, value: Record<string, unknown>): string {
  return createOpaqueTokens(secretOf(scryon)).seal(kind, value);
}

/** What the app's token says inside. */
export function openedToken(scryon: TestApp, kind: TokenKind, raw: string): Record<string, unknown> {
  return createOpaqueTokens(secretOf(scryon)).open(kind, raw);
}

function secretOf(scryon: TestApp): string {
  const configured = scryon.env.SCRYON_TOKEN_SECRET;
  return configured || readFileSync(path.join(scryon.env.SCRYON_DATA_DIR!, 'token-secret'), 'utf8').trim();
}
