import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureGoTool, findGoTool, goToolOptions, PROJECT_TOOLS_DIR, type GoTool } from '../../../src/tools/go-tools.ts';

/** A tool no machine has, so only what the test puts in place can be found. */
const tool: GoTool = { name: `scryon-test-tool-${process.pid}`, module: 'example.test/tool', version: 'v0.0.1', buildEstimate: 'a moment' };

function executable(dir: string, name: string, script: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('finding and building the pinned Go tools', () => {
  afterEach(() => rmSync(path.join(PROJECT_TOOLS_DIR, tool.name), { force: true }));

  it('takes the configured path, then PATH, then the project tools folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scryon-go-tools-'));
    expect(findGoTool(tool, { configured: '/opt/tool', searchPath: dir })).toBe('/opt/tool');
    expect(findGoTool(tool, { searchPath: dir })).toBeUndefined();
    const onPath = executable(dir, tool.name, 'exit 0');
    expect(findGoTool(tool, { searchPath: dir })).toBe(onPath);
    rmSync(onPath);
    mkdirSync(PROJECT_TOOLS_DIR, { recursive: true });
    const inTools = executable(PROJECT_TOOLS_DIR, tool.name, 'exit 0');
    expect(findGoTool(tool, { searchPath: dir })).toBe(inTools);
  });

  it('builds the pinned version once into the tools folder with Go, saying so, and finds it next time', async () => {
    // A stand-in for `go install`: writes the binary into GOBIN, as the real one does.
    const bin = mkdtempSync(path.join(tmpdir(), 'scryon-go-'));
    executable(bin, 'go', `[ "$1 $2" = "install ${tool.module}@${tool.version}" ] || exit 3\nprintf '#!/bin/sh\\necho built\\n' > "$GOBIN/${tool.name}"; chmod +x "$GOBIN/${tool.name}"`);
    const lines: string[] = [];
    const built = await ensureGoTool(tool, { searchPath: bin, log: (line) => lines.push(line) });
    expect(built).toBe(path.join(PROJECT_TOOLS_DIR, tool.name));
    expect(lines[0]).toMatch(new RegExp(`building ${tool.name} v0\\.0\\.1 .* once and takes a moment`));
    expect(lines.at(-1)).toMatch(/built .* in \d+ s/);
    expect(readdirSync(PROJECT_TOOLS_DIR).filter((name) => name.startsWith('.build-'))).toEqual([]);
    expect(await ensureGoTool(tool, { searchPath: '', log: (line) => lines.push(`again: ${line}`) })).toBe(built);
    expect(lines.filter((line) => line.startsWith('again'))).toEqual([]);
  });

  it('reports a failed build and leaves no half-written binary behind', async () => {
    const bin = mkdtempSync(path.join(tmpdir(), 'scryon-go-'));
    executable(bin, 'go', `printf 'partial' > "$GOBIN/${tool.name}"; echo "proxy.golang.org: no such host" >&2; exit 1`);
    const lines: string[] = [];
    expect(await ensureGoTool(tool, { searchPath: bin, log: (line) => lines.push(line) })).toBeUndefined();
    expect(lines.at(-1)).toMatch(/failed \(go exited with 1\): proxy\.golang\.org: no such host/);
    expect(existsSync(path.join(PROJECT_TOOLS_DIR, tool.name))).toBe(false);
  });

  it('names every way to provide a tool when none worked', () => {
    expect(goToolOptions(tool, 'TOOL_PATH')).toMatch(/TOOL_PATH.*PATH.*install Go.*go install example\.test\/tool@v0\.0\.1/);
  });
});
