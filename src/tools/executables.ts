import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The first executable `name` in the directories of `searchPath` (a PATH value), if any. */
export function findOnPath(
  name: string,
  searchPath: string | undefined,
  extraDirs: readonly string[] = [],
): string | undefined {
  for (const dir of [...(searchPath ?? '').split(path.delimiter), ...extraDirs]) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
