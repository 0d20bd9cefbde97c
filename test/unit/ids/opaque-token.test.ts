import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpaqueTokens } from '../../../src/ids/opaque-token.ts';
import { tokenSecretOf } from '../../../src/ids/token-secret.ts';
import { createLogger } from '../../../src/observability/logger.ts';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const position = { t: '123456', s: 7, at: 1_765_000_000_000 };

describe('sealed tokens', () => {
  const tokens = createOpaqueTokens(SECRET);

  it('opens what it sealed, and seals one position to one token', () => {
    const token = tokens.seal('changes.token', position);
    expect(tokens.open('changes.token', token)).toEqual(position);
    expect(tokens.seal('changes.token', position)).toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('hides what it holds', () => {
    const inside = Buffer.from(tokens.seal('changes.token', position), 'base64url').toString('latin1');
    expect(inside).not.toContain('123456');
    expect(inside).not.toContain('"t"');
  });

  it('opens as nothing a token changed anywhere, of another kind, under another secret, or not one at all', () => {
    const token = tokens.seal('changes.token', position);
    for (let at = 0; at < token.length; at += 1) {
      const changed = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
      expect(tokens.open('changes.token', changed)).toEqual({});
    }
    expect(tokens.open('search.cursor', token)).toEqual({});
    expect(createOpaqueTokens(`${SECRET}!`).open('changes.token', token)).toEqual({});
    const unsealed = Buffer.from('{"t":"1"}').toString('base64url');
    for (const raw of ['', 'nope', token.slice(0, 20), `${token}A`, `${token}=`, 'x'.repeat(5000), unsealed]) {
      expect(tokens.open('changes.token', raw)).toEqual({});
    }
  });
});

describe('the token secret', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scryon-secret-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const logger = createLogger('silent');

  it('is the configured one when set', () => {
    expect(tokenSecretOf(SECRET, dataDir(), logger)).toBe(SECRET);
  });

  it('is otherwise kept in the data directory, readable by its owner only, so tokens outlive a restart', () => {
    const dir = dataDir();
    const first = tokenSecretOf(undefined, dir, logger);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenSecretOf(undefined, dir, logger)).toBe(first);
    expect(readFileSync(path.join(dir, 'token-secret'), 'utf8')).toBe(first);
    expect(statSync(path.join(dir, 'token-secret')).mode & 0o077).toBe(0);
  });

  it('is one per process when the data directory cannot hold it', () => {
    const file = path.join(dataDir(), 'not-a-directory');
    writeFileSync(file, '');
    const secret = tokenSecretOf(undefined, file, logger);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenSecretOf(undefined, file, logger)).not.toBe(secret);
  });
});
