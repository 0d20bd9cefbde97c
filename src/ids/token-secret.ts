import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../observability/logger.ts';

const SECRET_FILE = 'token-secret';

/**
 * The secret cursors and sync tokens are sealed with. Prod configures it (every
 * instance must open the others' tokens). Elsewhere a random one is kept beside
 * the embedded database, so tokens outlive a restart of the dev server; when the
 * data directory cannot hold it, each process has its own and its tokens die with it.
 */
export function tokenSecretOf(configured: string | undefined, dataDir: string, logger: Logger): string {
  if (configured) return configured;
  try {
    return storedSecret(path.join(dataDir, SECRET_FILE));
  } catch (error) {
    const message = 'no token secret kept in the data directory: cursors and sync tokens end with this process';
    logger.warn({ err: error }, message);
    return randomBytes(32).toString('hex');
  }
}

function storedSecret(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, randomBytes(32).toString('hex'), { mode: 0o600 });
  try {
    // A link appears whole or not at all: two processes starting on one data directory agree on the first.
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds no secret`);
  return secret;
}
