import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ConfigError, type Config } from '../config/config.ts';
import type { Roles } from './start-scryon.ts';

/**
 * Checks that take well under a second and fail the start with one line naming
 * the variable, before anything slow (the database, the Temporal dev server) runs:
 * a taken port used to be reported only after the dev server had started, 45 s later.
 */

interface PortClaim {
  variable: string;
  port: number;
  host: string;
}

/** The ports this process will listen on; 0 means "any free one" and is never taken. */
export function portsToClaim(config: Config, roles: Roles): PortClaim[] {
  const claims: PortClaim[] = [];
  if (roles.api) claims.push({ variable: 'PORT', port: config.http.port, host: config.http.host });
  if (!config.temporal.address && config.temporal.uiPort !== undefined) {
    claims.push({ variable: 'TEMPORAL_UI_PORT', port: config.temporal.uiPort, host: '127.0.0.1' });
  }
  const metrics = config.observability.metrics;
  if (metrics) claims.push({ variable: 'SCRYON_METRICS_PORT', port: metrics.port, host: metrics.host });
  return claims.filter((claim) => claim.port !== 0);
}

export async function assertPortsFree(claims: PortClaim[]): Promise<void> {
  for (const claim of claims) {
    const problem = await probePort(claim.port, claim.host);
    if (problem) {
      throw new ConfigError(
        `${claim.variable}=${claim.port}: ${problem} on ${claim.host}; ` +
          `stop what uses it or set ${claim.variable} to a free port`,
      );
    }
  }
}

/** Listens and closes at once: undefined when the port is free, else why not. */
function probePort(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      const inUse = error.code === 'EADDRINUSE';
      resolve(inUse ? 'the port is already in use' : `cannot listen (${error.code ?? error.message})`);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'scryon.pid';

/**
 * The embedded database and the Temporal dev server each own files under the
 * data dir; a second instance on it used to fail late and misleadingly. An
 * exclusive lock file with the pid inside; a lock left by a dead process is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const fd = tryCreate(file);
    if (fd !== undefined) {
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => releaseLock(file) };
    }
    const owner = lockOwner(file);
    if (owner !== undefined && isAlive(owner)) {
      throw new ConfigError(`another Scryon is running on ${dataDir} (pid ${owner}); stop it or set SCRYON_DATA_DIR`);
    }
    rmSync(file, { force: true });
  }
  throw new ConfigError(`cannot lock ${file}; remove it if no Scryon is running, or set SCRYON_DATA_DIR`);
}

function tryCreate(file: string): number | undefined {
  try {
    return openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw new ConfigError(`SCRYON_DATA_DIR: cannot write ${file} (${(error as Error).message})`);
  }
}

function lockOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, only someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Only our own lock: a lock another process took over after ours went stale is theirs. */
function releaseLock(file: string): void {
  if (lockOwner(file) === process.pid) rmSync(file, { force: true });
}

/** Whether this process keeps state in the data dir that a second one must not share. */
export function usesDataDirExclusively(config: Config): boolean {
  return !config.database.url || !config.temporal.address;
}
