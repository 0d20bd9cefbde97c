import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort, waitFor } from '../../harness/free-port.ts';
import { freshDevEnv } from '../../harness/fresh-dev-env.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'scryon-ctrl-c-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

it('Ctrl-C stops the dev server with it, cleanly and quietly', { timeout: 300_000 }, async () => {
  const uiPort = await freePort();
  const env = freshDevEnv({
    PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(uiPort),
    SCRYON_DATA_DIR: dataDir,
  });
  // Its own process group, as a terminal's foreground job is: the terminal's Ctrl-C signals the whole group.
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(async () => output.includes('Press Ctrl-C to stop.'), 'the banner', 240_000);
    const before = output.length;
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    const shutdown = output.slice(before);
    expect(shutdown, shutdown).not.toMatch(/"level":"(warn|error|fatal)"|\b(ERROR|WARN)\b/);
    // The dev server went with it: its UI port is free again.
    expect(await portIsFree(uiPort)).toBe(true);
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
});
