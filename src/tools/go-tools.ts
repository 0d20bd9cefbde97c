import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath } from './executables.ts';

/** A Go program Scryon runs beside itself, pinned to one version. */
export interface GoTool {
  name: string;
  module: string;
  version: string;
  /** What a user reads while it builds: roughly how long the first build takes. */
  buildEstimate: string;
}

export const TEMPORAL_CLI: GoTool = { name: 'temporal', module: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1', buildEstimate: 'about 3–6 minutes on 2 cores' };
export const FAKE_GCS_SERVER: GoTool = { name: 'fake-gcs-server', module: 'github.com/fsouza/fake-gcs-server', version: 'v1.55.1', buildEstimate: 'about 1–2 minutes on 2 cores' };

/** The checkout's own tools folder (git-ignored): what Scryon builds lands here, once. */
export const PROJECT_TOOLS_DIR = path.resolve(import.meta.dirname, '../../.tools/bin');

export interface ToolSearch {
  /** An explicit path (TEMPORAL_CLI_PATH, FAKE_GCS_SERVER_PATH): used as given. */
  configured?: string | undefined;
  searchPath?: string | undefined;
  /** Where progress lines go; a build is never a silent pause. */
  log?: (line: string) => void;
}

/** The configured path, else the tool on PATH, in ~/go/bin or in the project's tools folder. */
export function findGoTool(tool: GoTool, search: ToolSearch = {}): string | undefined {
  if (search.configured) return search.configured;
  return findOnPath(tool.name, search.searchPath ?? process.env.PATH, [path.join(os.homedir(), 'go', 'bin'), PROJECT_TOOLS_DIR]);
}

/** Finds the tool, or builds the pinned version once when Go is there; undefined when neither works. */
export async function ensureGoTool(tool: GoTool, search: ToolSearch = {}): Promise<string | undefined> {
  const found = findGoTool(tool, search);
  if (found) return found;
  const go = findOnPath('go', search.searchPath ?? process.env.PATH, ['/usr/local/go/bin']);
  if (!go) return undefined;
  return buildGoTool(tool, go, search.log ?? ((line) => process.stderr.write(`${line}\n`)));
}

/** Where a tool can come from, for the error that says none did. */
export function goToolOptions(tool: GoTool, envName: string): string {
  return [
    `set ${envName} to a ${tool.name} binary`,
    `put ${tool.name} on PATH`,
    `install Go (the first start then builds ${tool.name} ${tool.version} from the Go module proxy into ${PROJECT_TOOLS_DIR})`,
    `or run \`go install ${tool.module}@${tool.version}\` yourself`,
  ].join('; ');
}

const PROGRESS_EVERY_MS = 30_000;

/**
 * `go install` into a scratch folder, then a rename into the tools folder:
 * a build cut off, or two at once, never leave a half-written binary where
 * the next start would find it.
 */
async function buildGoTool(tool: GoTool, go: string, log: (line: string) => void): Promise<string | undefined> {
  mkdirSync(PROJECT_TOOLS_DIR, { recursive: true });
  const scratch = mkdtempSync(path.join(PROJECT_TOOLS_DIR, `.build-${tool.name}-`));
  const started = Date.now();
  log(`scryon: building ${tool.name} ${tool.version} from the Go module proxy into ${PROJECT_TOOLS_DIR}; this happens once and takes ${tool.buildEstimate}`);
  const progress = setInterval(() => log(`scryon: still building ${tool.name} (${Math.round((Date.now() - started) / 1000)} s)`), PROGRESS_EVERY_MS);
  try {
    const output = await run(go, ['install', `${tool.module}@${tool.version}`], { ...process.env, GOBIN: scratch });
    if (output.code !== 0) {
      log(`scryon: building ${tool.name} failed (go exited with ${output.code}): ${output.stderr.trim().split('\n').slice(-5).join(' | ')}`);
      return undefined;
    }
    const target = path.join(PROJECT_TOOLS_DIR, tool.name);
    renameSync(path.join(scratch, tool.name), target);
    log(`scryon: built ${tool.name} in ${Math.round((Date.now() - started) / 1000)} s`);
    return target;
  } finally {
    clearInterval(progress);
    rmSync(scratch, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-8_000)));
    child.on('error', (error) => resolve({ code: null, stderr: error.message }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
