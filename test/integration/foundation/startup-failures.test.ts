import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../harness/free-port.ts';
import { freshDevEnv } from '../../harness/fresh-dev-env.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
/** Generous: the assertion is on the message; a start that fails late still fails here, not flakily. */
const EXIT_TIMEOUT_MS = 60_000;
const scratch: string[] = [];

interface Outcome {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** `node src/main.ts` in the environment of a fresh checkout, plus the one mistake under test. */
function start(overrides: Record<string, string>): Promise<Outcome> {
  const env = freshDevEnv({ SCRYON_DATA_DIR: dataDir(), ...overrides });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: EXIT_TIMEOUT_MS,
    });
    const outcome: Outcome = { code: null, stderr: '', stdout: '' };
    child.stdout.on('data', (chunk) => (outcome.stdout += chunk));
    child.stderr.on('data', (chunk) => (outcome.stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ...outcome, code }));
  });
}

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scryon-startup-'));
  scratch.push(dir);
  return dir;
}

/** Exactly one line, no stack, a non-zero exit. */
function expectOneLine(outcome: Outcome, ...fragments: string[]): void {
  expect(outcome.code, outcome.stderr).not.toBe(0);
  expect(outcome.code).not.toBeNull();
  const lines = outcome.stderr.trim().split('\n');
  expect(lines, outcome.stderr).toHaveLength(1);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  expect(outcome.stderr).not.toMatch(/^\s+at /m);
}

async function listening(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('start-up failures: one line naming the variable and the fix', () => {
  it('a DATABASE_URL with a mistyped scheme', async () => {
    const outcome = await start({ DATABASE_URL: 'postgress://postgres@127.0.0.1:5432/scryon' });
    expectOneLine(outcome, 'DATABASE_URL', 'postgresql://');
  });

  it('a DATABASE_URL naming a database that does not exist: refused, and not created', async () => {
    const name = `scryon_missing_${process.pid}_${Date.now()}`;
    const url = new URL(inject('postgresUrl'));
    url.pathname = `/${name}`;
    const outcome = await start({ DATABASE_URL: url.toString(), PORT: String(await freePort()) });
    expectOneLine(outcome, 'DATABASE_URL', `database ${name} does not exist`, `createdb ${name}`);
    const admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    try {
      const { rows } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      expect(rows).toHaveLength(0);
    } finally {
      await admin.end();
    }
  });

  it('PORT in use', async () => {
    const port = await freePort();
    const taken = await listening(port);
    try {
      expectOneLine(await start({ PORT: String(port) }), `PORT=${port}`, 'already in use', 'set PORT');
    } finally {
      taken.close();
    }
  });

  it('TEMPORAL_UI_PORT in use (what a second `npm run dev` used to meet as "another download is stuck")', async () => {
    const port = await freePort();
    const taken = await listening(port);
    try {
      const outcome = await start({ PORT: String(await freePort()), TEMPORAL_UI_PORT: String(port) });
      expectOneLine(outcome, `TEMPORAL_UI_PORT=${port}`, 'set TEMPORAL_UI_PORT');
    } finally {
      taken.close();
    }
  });

  it('a TEMPORAL_ADDRESS nothing answers on', async () => {
    const port = await freePort();
    const outcome = await start({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, PORT: String(await freePort()) });
    expectOneLine(outcome, 'TEMPORAL_ADDRESS', `127.0.0.1:${port}`, 'unset it to run the embedded dev server');
  });

  it('a second instance on the same data dir', async () => {
    const dir = dataDir();
    // A live process holds the lock (this one): what a running first instance leaves there.
    writeFileSync(path.join(dir, 'scryon.pid'), `${process.pid}\n`);
    const ports = { PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()) };
    const outcome = await start({ ...ports, SCRYON_DATA_DIR: dir });
    expectOneLine(outcome, `another Scryon is running on ${dir} (pid ${process.pid})`, 'SCRYON_DATA_DIR');
  });
});
