import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DevProcess } from '../../harness/dev-process.ts';
import { freePort } from '../../harness/free-port.ts';
import { freshDevEnv } from '../../harness/fresh-dev-env.ts';

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
  const dev = DevProcess.start(process.execPath, ['src/main.ts'], env);
  try {
    await dev.untilBanner();
    const before = dev.output.length;
    // A terminal's Ctrl-C signals its whole foreground process group.
    expect(await dev.stop('SIGINT')).toBe(0);
    const shutdown = dev.output.slice(before);
    expect(shutdown, shutdown).not.toMatch(/"level":"(warn|error|fatal)"|\b(ERROR|WARN)\b/);
    // The dev server went with it: its UI port is free again.
    expect(await portIsFree(uiPort)).toBe(true);
  } finally {
    dev.kill();
  }
});
