// `node scripts/node24.mjs scripts/check-line-width.ts` (part of `npm run lint`)
// lists every line longer than 120 characters (file:line: length) in the files
// Biome checks and exits 1 if there is any. Biome formats code to that width
// but cannot break comments, strings or template literals, so this check covers
// what it leaves long. Files come from `git ls-files`: ignored files are skipped.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAX_LINE_WIDTH = 120;

/** The roots and extensions of `files.includes` in biome.json. */
const CHECKED_ROOTS = ['src/', 'workflows/', 'test/', 'scripts/'];
const CHECKED_FILES = ['vitest.config.ts'];
const CHECKED_EXTENSIONS = ['.ts', '.mjs'];

const EXEMPT_PREFIXES = [
  // Migrations keep their SQL exactly as it was applied to the databases.
  'src/db/migrations/',
  // Generated from the code, never edited by hand.
  'schema/',
];

/** Whether the file at `file` (relative to the repository, `/`-separated) is checked. */
export function isChecked(file: string): boolean {
  if (EXEMPT_PREFIXES.some((prefix) => file.startsWith(prefix))) return false;
  if (CHECKED_FILES.includes(file)) return true;
  return CHECKED_ROOTS.some((root) => file.startsWith(root)) && CHECKED_EXTENSIONS.some((ext) => file.endsWith(ext));
}

/**
 * The lines of `text` longer than `max` characters (counted in code points),
 * as `{ line, length }` with 1-based line numbers.
 */
export function longLines(text: string, max = MAX_LINE_WIDTH): { line: number; length: number }[] {
  const found: { line: number; length: number }[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const length = [...lines[index]!].length;
    if (length > max) found.push({ line: index + 1, length });
  }
  return found;
}

/**
 * The `file:line: length` report for every over-long line in the checked
 * files that git tracks under `root`.
 */
export function checkLineWidth(root: string, max = MAX_LINE_WIDTH): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = [...new Set(listed.split('\0').filter(Boolean))].filter(isChecked).sort();
  const report: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted in the work tree, not yet staged
      throw error;
    }
    for (const { line, length } of longLines(text, max)) report.push(`${file}:${line}: ${length}`);
  }
  return report;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const report = checkLineWidth(root);
  if (report.length > 0) {
    for (const entry of report) console.log(entry);
    console.error(`${report.length} line(s) longer than ${MAX_LINE_WIDTH} characters.`);
    process.exit(1);
  }
}
