import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevProcess } from '../../harness/dev-process.ts';
import { freePort } from '../../harness/free-port.ts';
import { freshDevEnv } from '../../harness/fresh-dev-env.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const README_PORT = '127.0.0.1:8080';
const TRANSCRIPT_LINE = /^\[\d\d:\d\d - \d\d:\d\d\] [^:]+: \S/m;
const EXAMPLE_TIMEOUT_MS = 120_000;

interface Example {
  lang: string;
  code: string;
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The fenced blocks of `## First minutes`, in order. Strict on purpose: a
 * renamed section, a dropped block or a changed fence language fails here
 * rather than quietly testing less than the README shows.
 */
function firstMinutesExamples(readme: string): Example[] {
  const sections = readme.split(/^(?=## )/m).filter((section) => section.startsWith('## First minutes\n'));
  if (sections.length !== 1)
    throw new Error(`README.md has ${sections.length} "## First minutes" sections; expected one`);
  const blocks = [...sections[0]!.matchAll(/^```(\S*)\n([\s\S]*?)^```$/gm)];
  return blocks.map(([, lang, code]) => ({ lang: lang!, code: code! }));
}

/** The file a `ts` block tells the reader to save it as, from its first line. */
function fileNameOf(example: Example): string {
  const name = /^\/\/ ([\w-]+\.ts)\b/.exec(example.code)?.[1];
  if (!name) throw new Error(`a ts block does not start with "// <file>.ts": ${example.code.split('\n')[0]}`);
  return name;
}

/** The examples name the default port; the server under test has its own, so that (and only that) is rewritten. */
function onPort(example: Example, port: number): string {
  expect(example.code, 'the example talks to the default dev server').toContain(README_PORT);
  return example.code.replaceAll(README_PORT, `127.0.0.1:${port}`);
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: EXAMPLE_TIMEOUT_MS,
    });
    const outcome: Outcome = { code: null, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk) => (outcome.stdout += chunk));
    child.stderr.on('data', (chunk) => (outcome.stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ...outcome, code }));
  });
}

/** The README's own command on `port`, answering /api/health. */
async function startDevServer(port: number, dataDir: string): Promise<DevProcess> {
  const env = freshDevEnv({
    PORT: String(port),
    SCRYON_DATA_DIR: dataDir,
    TEMPORAL_UI_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
  });
  const server = DevProcess.start('npm', ['run', 'dev'], env);
  const healthy = async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200;
  try {
    await server.until(healthy, '/api/health to answer 200', 150_000);
  } catch (error) {
    server.kill();
    throw error;
  }
  return server;
}

describe('the README first minutes, against npm run dev', () => {
  const examples = firstMinutesExamples(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  let port: number;
  let dataDir: string;
  let scratch: string;
  let server: DevProcess | undefined;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'scryon-readme-'));
    mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
    scratch = mkdtempSync(path.join(ROOT, '.tmp', 'readme-examples-'));
    // The examples are saved at the checkout's root; this link makes
    // their relative imports resolve from the scratch folder too.
    symlinkSync(path.join(ROOT, 'src'), path.join(scratch, 'src'));
    server = await startDevServer(port, dataDir);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Runs an example as its reader would, and shows the server's log beside a failure. */
  async function runExample(example: Example): Promise<string> {
    if (example.lang !== 'sh' && example.lang !== 'ts') throw new Error(`no way to run a \`${example.lang}\` block`);
    const outcome =
      example.lang === 'sh'
        ? await run('sh', ['-c', onPort(example, port)])
        : await run(process.execPath, [saveExample(example)]);
    expect(outcome.code, `exit code; stderr:\n${outcome.stderr}\nserver:\n${server?.output}`).toBe(0);
    return outcome.stdout;
  }

  function saveExample(example: Example): string {
    const file = path.join(scratch, fileNameOf(example));
    writeFileSync(file, onPort(example, port));
    return file;
  }

  it('shows a curl example, a tRPC client and a GraphQL subscription, in that order', () => {
    expect(examples.map((example) => example.lang)).toEqual(['sh', 'ts', 'ts']);
    expect(examples[0]!.code).toContain('curl');
    expect(examples[1]!.code).toContain("from '@trpc/client'");
    expect(examples[2]!.code).toContain('subscription');
  });

  it('the curl example stops with the error when the server is down or refuses the upload', async () => {
    const down = await run('sh', ['-c', onPort(examples[0]!, await freePort())]);
    expect(down.code).not.toBe(0);
    expect(down.stdout).not.toContain('QUEUED');
    const refused = await run('sh', [
      '-c',
      onPort(examples[0]!, port).replace('two-party-call.m4a', 'make-fixtures.sh'),
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toMatch(/^upload refused: \{"error":\{"code":"unsupported_media_type"/m);
  });

  it('the curl example uploads, polls to COMPLETED and prints the transcript', async () => {
    const stdout = await runExample(examples[0]!);
    expect(stdout).toMatch(/^call [0-9a-f-]{36}$/m);
    expect(stdout.split('\n')).toContain('COMPLETED');
    expect(stdout).toMatch(TRANSCRIPT_LINE);
  }, 180_000);

  it('the tRPC example does the same with the typed client', async () => {
    const stdout = await runExample(examples[1]!);
    expect(stdout).toMatch(/^call [0-9a-f-]{36}$/m);
    expect(stdout.split('\n')).toContain('COMPLETED');
    expect(stdout).toMatch(TRANSCRIPT_LINE);
  }, 180_000);

  it('the GraphQL example prints status events until COMPLETED', async () => {
    const stdout = await runExample(examples[2]!);
    const events = stdout.trim().split('\n').slice(1);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event).toMatch(/^\S+Z (QUEUED|TRANSCRIBING|ANALYZING|COMPLETED)$/);
    expect(events.at(-1)).toMatch(/ COMPLETED$/);
  }, 180_000);

  it('the TypeScript examples type-check against the project', async () => {
    const files = examples.filter((example) => example.lang === 'ts').map(saveExample);
    const tsconfig = { extends: path.join(ROOT, 'tsconfig.json'), include: [], files };
    writeFileSync(path.join(scratch, 'tsconfig.json'), JSON.stringify(tsconfig));
    const outcome = await run(path.join(ROOT, 'node_modules/.bin/tsc'), [
      '--noEmit',
      '-p',
      path.join(scratch, 'tsconfig.json'),
    ]);
    expect(outcome.code, outcome.stdout + outcome.stderr).toBe(0);
  }, 180_000);
});
