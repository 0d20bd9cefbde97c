import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureGoTool, findGoTool, goToolOptions, toolFileName, type GoTool } from '../../../src/tools/go-tools.ts';

/** A tool no machine has, so only what the test puts in place can be found. */
const tool: GoTool = {
  name: `scryon-test-tool-${process.pid}`,
  module: 'example.test/tool',
  version: 'v0.0.1',
  buildEstimate: 'a moment',
};

function executable(dir: string, name: string, script: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

const scratchDirs: string[] = [];
const scratch = (name: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `scryon-${name}-`));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => scratchDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * A stand-in for `go install`: writes the binary into GOBIN, as the real one
 * does, after `delay` seconds, and counts its runs in `runs`.
 */
function fakeGo(delay = 0): { bin: string; runs: () => number } {
  const bin = scratch('go');
  const count = path.join(bin, 'runs');
  executable(
    bin,
    'go',
    [
      `[ "$1 $2" = "install ${tool.module}@${tool.version}" ] || exit 3`,
      `echo run >> '${count}'`,
      `sleep ${delay}`,
      `printf '#!/bin/sh\\necho built\\n' > "$GOBIN/${tool.name}"; chmod +x "$GOBIN/${tool.name}"`,
    ].join('\n'),
  );
  return { bin, runs: () => (existsSync(count) ? readFileSync(count, 'utf8').trim().split('\n').length : 0) };
}

describe('finding, downloading and building the pinned Go tools', () => {
  it('takes the configured path, then PATH, then the pinned version in the tools folder', () => {
    const dir = scratch('path');
    const toolsDir = scratch('tools');
    expect(findGoTool(tool, { configured: '/opt/tool', searchPath: dir, toolsDir })).toBe('/opt/tool');
    expect(findGoTool(tool, { searchPath: dir, toolsDir })).toBeUndefined();
    const onPath = executable(dir, tool.name, 'exit 0');
    expect(findGoTool(tool, { searchPath: dir, toolsDir })).toBe(onPath);
    rmSync(onPath);
    executable(toolsDir, tool.name, 'exit 0');
    expect(
      findGoTool(tool, { searchPath: dir, toolsDir }),
      'another version is never taken for the pinned one',
    ).toBeUndefined();
    const pinned = executable(toolsDir, toolFileName(tool), 'exit 0');
    expect(findGoTool(tool, { searchPath: dir, toolsDir })).toBe(pinned);
  });

  it('builds the pinned version once into the tools folder with Go, saying so, and finds it next time', async () => {
    const go = fakeGo();
    const toolsDir = scratch('tools');
    const lines: string[] = [];
    const built = await ensureGoTool(tool, { searchPath: go.bin, toolsDir, log: (line) => lines.push(line) });
    expect(built).toBe(path.join(toolsDir, `${tool.name}-v0.0.1`));
    expect(lines[0]).toMatch(new RegExp(`building ${tool.name} v0\\.0\\.1 .* once per machine and takes a moment`));
    expect(lines.at(-1)).toMatch(/built .* in \d+ s/);
    expect(readdirSync(toolsDir).filter((name) => name !== path.basename(built!))).toEqual([]);
    expect(await ensureGoTool(tool, { searchPath: '', toolsDir, log: (line) => lines.push(`again: ${line}`) })).toBe(
      built,
    );
    expect(lines.filter((line) => line.startsWith('again'))).toEqual([]);
    expect(go.runs()).toBe(1);
  });

  it('takes a prebuilt download before building, and builds when the download fails', async () => {
    const go = fakeGo();
    const toolsDir = scratch('tools');
    const downloaded = await ensureGoTool(tool, {
      searchPath: go.bin,
      toolsDir,
      downloadPrebuilt: async (dir) => executable(dir, toolFileName(tool), 'echo downloaded'),
    });
    expect(downloaded).toBe(path.join(toolsDir, toolFileName(tool)));
    expect(go.runs(), 'a download that worked is not followed by a build').toBe(0);

    const offline = scratch('tools');
    const built = await ensureGoTool(tool, {
      searchPath: go.bin,
      toolsDir: offline,
      downloadPrebuilt: async () => undefined,
      log: () => {},
    });
    expect(built).toBe(path.join(offline, toolFileName(tool)));
    expect(go.runs()).toBe(1);
  });

  it('builds once when two starts (two checkouts) need the tool at once: the second waits for the first', async () => {
    const go = fakeGo(1);
    const toolsDir = scratch('tools');
    const lines: string[] = [];
    const [first, second] = await Promise.all([
      ensureGoTool(tool, { searchPath: go.bin, toolsDir, log: (line) => lines.push(line) }),
      ensureGoTool(tool, { searchPath: go.bin, toolsDir, log: (line) => lines.push(line) }),
    ]);
    expect(first).toBe(path.join(toolsDir, toolFileName(tool)));
    expect(second).toBe(first);
    expect(go.runs()).toBe(1);
    expect(lines.some((line) => line.includes(`another start (pid ${process.pid}) is building`))).toBe(true);
    expect(readdirSync(toolsDir)).toEqual([toolFileName(tool)]);
  });

  it('takes over a lock left by a start that died', async () => {
    const go = fakeGo();
    const toolsDir = scratch('tools');
    // No process has pid 2^22 + 1 on Linux (pid_max is at most 2^22).
    writeFileSync(path.join(toolsDir, `${toolFileName(tool)}.building`), String(2 ** 22 + 1));
    expect(await ensureGoTool(tool, { searchPath: go.bin, toolsDir, log: () => {} })).toBe(
      path.join(toolsDir, toolFileName(tool)),
    );
    expect(go.runs()).toBe(1);
  });

  it('reports a failed build and leaves no half-written binary or lock behind', async () => {
    const bin = scratch('go');
    executable(
      bin,
      'go',
      `printf 'partial' > "$GOBIN/${tool.name}"; echo "proxy.golang.org: no such host" >&2; exit 1`,
    );
    const toolsDir = scratch('tools');
    const lines: string[] = [];
    expect(await ensureGoTool(tool, { searchPath: bin, toolsDir, log: (line) => lines.push(line) })).toBeUndefined();
    expect(lines.at(-1)).toMatch(/failed \(go exited with 1\): proxy\.golang\.org: no such host/);
    expect(readdirSync(toolsDir)).toEqual([]);
  });

  it('names every way to provide a tool when none worked', () => {
    expect(goToolOptions(tool, 'TOOL_PATH')).toMatch(
      /TOOL_PATH.*PATH.*install Go.*go install example\.test\/tool@v0\.0\.1/,
    );
  });
});
