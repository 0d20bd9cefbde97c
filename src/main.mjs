// The entry point: `node src/main.ts [all|api|worker]`, `npm run dev`, `npm start`.
//
// src/main.ts is a symbolic link to this file. Node resolves the link before it
// picks a loader, so whatever node runs `node src/main.ts` reads plain
// JavaScript here, and Node.js 20 (which refuses any .ts file before running a
// line of it) gets one line saying what to do instead of a stack trace.
// Nothing here may need more than Node.js 18; the TypeScript starts at
// ./app/main.ts. docs/node-runtime.md has the details.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const NEEDED_MAJOR = 24;

if (Number(process.versions.node.split('.')[0]) < NEEDED_MAJOR) {
  // (No function parameters in this file: tsc checks it as src/main.ts, strictly, and it cannot carry types.)
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const windows = process.platform === 'win32';
  const platformPackage = `node-${windows ? 'win' : process.platform}-${process.arch}`;
  const roleArgs = process.argv.slice(2).join(' ');
  const command = `npm run dev${roleArgs ? ` -- ${roleArgs}` : ''}`;
  let declared = false;
  try {
    declared =
      platformPackage in (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).optionalDependencies ?? {});
  } catch {
    // No readable package.json: say what works anywhere.
  }
  const fix = existsSync(path.join(root, 'node_modules', platformPackage, 'bin', windows ? 'node.exe' : 'node'))
    ? `run \`${command}\`, which uses the project's own Node.js ${NEEDED_MAJOR} (node_modules/.bin/node)`
    : declared
      ? `run \`npm install && ${command}\`: npm install brings the project's own Node.js ${NEEDED_MAJOR}`
      : `install Node.js ${NEEDED_MAJOR} (https://nodejs.org/; the npm registry has no Node.js ${NEEDED_MAJOR} ` +
        `package for ${process.platform}-${process.arch}), then run \`${command}\``;
  process.stderr.write(`scryon: Node.js ${process.version} found, Node.js ${NEEDED_MAJOR} needed; ${fix}\n`);
  process.exit(1);
}
await import('./app/main.ts');
