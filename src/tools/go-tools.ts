import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, isExecutable } from './executables.ts';

/** A Go program Scryon runs beside itself, pinned to one version. */
export interface GoTool {
  name: string;
  module: string;
  version: string;
  /** What a user reads while it builds: how long the first build took on a 2-core machine. */
  buildEstimate: string;
}

export const TEMPORAL_CLI: GoTool = {
  name: 'temporal',
  module: 'github.com/temporalio/cli/cmd/temporal',
  version: 'v1.5.1',
  buildEstimate: 'about 5 minutes on 2 idle cores, up to 15 on a busy machine',
};

/**
 * One folder per user and machine, not per checkout: a second checkout (or a
 * fresh clone) finds what the first one built or downloaded. File names carry
 * the version, so a new pin never runs an old binary.
 */
export const SHARED_TOOLS_DIR = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
  'scryon',
  'bin',
);

export interface ToolSearch {
  /** An explicit path (TEMPORAL_CLI_PATH, or a test tool's): used as given. */
  configured?: string | undefined;
  searchPath?: string | undefined;
  /** Where what Scryon builds or downloads lands; the shared folder unless a test says otherwise. */
  toolsDir?: string;
  /** A prebuilt download into `toolsDir`, tried before a build; resolves to the binary, or undefined when it failed. */
  downloadPrebuilt?: (toolsDir: string) => Promise<string | undefined>;
  /** Where progress lines go; a build is never a silent pause. */
  log?: (line: string) => void;
}

/** The binary's name in the tools folder: the one the Temporal SDK's own download gives it, too. */
export function toolFileName(tool: GoTool): string {
  return `${tool.name}-${tool.version}`;
}

/** The configured path, else the tool on PATH or in ~/go/bin, else the pinned version in the tools folder. */
export function findGoTool(tool: GoTool, search: ToolSearch = {}): string | undefined {
  if (search.configured) return search.configured;
  const found = findOnPath(tool.name, search.searchPath ?? process.env.PATH, [path.join(os.homedir(), 'go', 'bin')]);
  if (found) return found;
  const kept = path.join(search.toolsDir ?? SHARED_TOOLS_DIR, toolFileName(tool));
  return isExecutable(kept) ? kept : undefined;
}

/**
 * Finds the tool, else downloads it prebuilt, else builds the
 * pinned version once when Go is there; undefined when none works.
 */
export async function ensureGoTool(tool: GoTool, search: ToolSearch = {}): Promise<string | undefined> {
  const found = findGoTool(tool, search);
  if (found) return found;
  const toolsDir = search.toolsDir ?? SHARED_TOOLS_DIR;
  mkdirSync(toolsDir, { recursive: true });
  const downloaded = await search.downloadPrebuilt?.(toolsDir);
  if (downloaded) return downloaded;
  const go = findOnPath('go', search.searchPath ?? process.env.PATH, ['/usr/local/go/bin']);
  if (!go) return undefined;
  return buildOnce(tool, go, toolsDir, search.log ?? ((line) => process.stderr.write(`${line}\n`)));
}

/** Where a tool can come from, for the error that says none did. */
export function goToolOptions(tool: GoTool, envName: string): string {
  return [
    `set ${envName} to a ${tool.name} binary`,
    `put ${tool.name} on PATH`,
    `install Go (the first start then builds ${tool.name} ${tool.version} from the Go module proxy ` +
      `into ${SHARED_TOOLS_DIR})`,
    `or run \`go install ${tool.module}@${tool.version}\` yourself`,
  ].join('; ');
}

const PROGRESS_EVERY_MS = 30_000;
const WAIT_POLL_MS = 1_000;

/**
 * One build per machine: the first start takes a lock file beside the target;
 * another start (a second checkout) waits for that build instead of running
 * its own. A lock whose process is gone is taken over.
 */
async function buildOnce(
  tool: GoTool,
  go: string,
  toolsDir: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  const target = path.join(toolsDir, toolFileName(tool));
  const lock = `${target}.building`;
  for (;;) {
    if (takeLock(lock)) {
      try {
        return isExecutable(target) ? target : await buildGoTool(tool, go, target, log);
      } finally {
        rmSync(lock, { force: true });
      }
    }
    const holder = lockHolder(lock);
    if (holder === undefined) {
      rmSync(lock, { force: true });
      continue;
    }
    log(
      `scryon: another start (pid ${holder}) is building ${tool.name} ${tool.version} into ${toolsDir}; waiting for it`,
    );
    await waitWhileLocked(lock, holder, tool, log);
    if (isExecutable(target)) return target;
  }
}

function takeLock(lock: string): boolean {
  try {
    const fd = openSync(lock, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The pid that holds the lock while it is alive; undefined for a lock left by a process that is gone. */
function lockHolder(lock: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8'));
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

async function waitWhileLocked(lock: string, holder: number, tool: GoTool, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  let lastProgress = started;
  while (existsSync(lock) && lockHolder(lock) === holder) {
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      log(`scryon: still waiting for ${tool.name} (${Math.round((lastProgress - started) / 1000)} s)`);
    }
  }
}

/**
 * `go install` into a scratch folder, then a rename onto the target: a build
 * cut off never leaves a half-written binary where the next start would find it.
 */
async function buildGoTool(
  tool: GoTool,
  go: string,
  target: string,
  log: (line: string) => void,
): Promise<string | undefined> {
  const scratch = mkdtempSync(path.join(path.dirname(target), `.build-${tool.name}-`));
  const started = Date.now();
  log(
    `scryon: building ${tool.name} ${tool.version} from the Go module proxy into ${path.dirname(target)}; this ` +
      `happens once per machine and takes ${tool.buildEstimate}`,
  );
  const progress = setInterval(
    () => log(`scryon: still building ${tool.name} (${Math.round((Date.now() - started) / 1000)} s)`),
    PROGRESS_EVERY_MS,
  );
  try {
    const output = await run(go, ['install', `${tool.module}@${tool.version}`], { ...process.env, GOBIN: scratch });
    if (output.code !== 0) {
      log(
        `scryon: building ${tool.name} failed (go exited ` +
          `with ${output.code}): ${output.stderr.trim().split('\n').slice(-5).join(' | ')}`,
      );
      return undefined;
    }
    renameSync(path.join(scratch, tool.name), target);
    log(`scryon: built ${tool.name} in ${Math.round((Date.now() - started) / 1000)} s`);
    return target;
  } finally {
    clearInterval(progress);
    rmSync(scratch, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-8_000)));
    child.on('error', (error) => resolve({ code: null, stderr: error.message }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
