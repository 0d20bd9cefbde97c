import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../../src/app/preflight.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lockDataDir', () => {
  it('writes its pid, refuses a live owner, and removes its own lock on release', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'scryon-lock-'));
    const lock = lockDataDir(dir);
    const file = path.join(dir, 'scryon.pid');
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    writeFileSync(file, '1\n');
    expect(() => lockDataDir(dir)).toThrow(
      `another Scryon is running on ${dir} (pid 1); stop it or set SCRYON_DATA_DIR`,
    );
    writeFileSync(file, `${process.pid}\n`);
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('takes over a lock whose process is gone', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'scryon-lock-'));
    writeFileSync(path.join(dir, 'scryon.pid'), '2147483646\n');
    lockDataDir(dir).release();
  });
});
