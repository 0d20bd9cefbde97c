import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLineWidth, isChecked, longLines, MAX_LINE_WIDTH } from '../../../scripts/check-line-width.ts';

const LONG = `// ${'x'.repeat(MAX_LINE_WIDTH)}`;
const FULL = 'y'.repeat(MAX_LINE_WIDTH);

describe('line width check', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reports each line over the limit with its 1-based number and length', () => {
    expect(longLines(`short\n${LONG}\n${FULL}\r\n${LONG}x\n`)).toEqual([
      { line: 2, length: MAX_LINE_WIDTH + 3 },
      { line: 4, length: MAX_LINE_WIDTH + 4 },
    ]);
  });

  it('passes text whose lines are all within the limit, counting characters rather than UTF-16 units', () => {
    expect(longLines(`${FULL}\n${'é'.repeat(MAX_LINE_WIDTH)}\n${'😀'.repeat(MAX_LINE_WIDTH)}\n`)).toEqual([]);
  });

  it('checks the files Biome checks, except migrations and generated code', () => {
    expect(isChecked('src/calls/calls-service.ts')).toBe(true);
    expect(isChecked('scripts/node24.mjs')).toBe(true);
    expect(isChecked('vitest.config.ts')).toBe(true);
    expect(isChecked('src/db/migrations/Migration20250101000000.ts')).toBe(false);
    expect(isChecked('schema/openapi-types.ts')).toBe(false);
    expect(isChecked('docs/architecture.md')).toBe(false);
  });

  it('lists the long lines of the files git knows, skipping ignored ones', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'line-width-'));
    dirs.push(root);
    mkdirSync(path.join(root, 'src'));
    writeFileSync(path.join(root, '.gitignore'), 'src/ignored.ts\n');
    writeFileSync(path.join(root, 'src', 'clean.ts'), `${FULL}\n`);
    writeFileSync(path.join(root, 'src', 'long.ts'), `const a = 1;\n${LONG}\n`);
    writeFileSync(path.join(root, 'src', 'ignored.ts'), `${LONG}\n`);
    execFileSync('git', ['init', '--quiet'], { cwd: root });

    expect(checkLineWidth(root)).toEqual([`src/long.ts:2: ${MAX_LINE_WIDTH + 3}`]);
  });
});
