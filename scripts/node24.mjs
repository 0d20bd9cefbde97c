// `node scripts/node24.mjs <script> [args…]` (or `node scripts/node24.mjs
// --version`, or any node options first): runs <script> on the project's own
// Node.js 24, whatever `node` started this file. Every npm script goes through
// it, so `npm install && npm run dev` works on a machine whose `node` is 20.
//
// Plain JavaScript with nothing but Node's own modules, so that it runs on any
// Node.js >= 18. `npm install` puts Node 24 in node_modules/node-<os>-<cpu>/ from
// the per-platform packages in package.json's optionalDependencies (npm
// installs only the one whose `os` and `cpu` match). Then:
//   - already running on that binary (npm scripts put node_modules/.bin first
//     on PATH, so `node` there is it): the script is imported in this process;
//   - running on another node: the script is re-run on that binary, stdio
//     inherited, signals forwarded, its exit code or signal passed on;
//   - no such package for this platform (or not installed): a node that is
//     already 24 or newer runs it; an older one prints one line with the fix.
// docs/node-runtime.md has the details.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const NEEDED_MAJOR = 24;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [target, ...args] = process.argv.slice(2);
if (!target) fail('usage: node scripts/node24.mjs <script> [args…]');

const windows = process.platform === 'win32';
const platformPackage = `node-${windows ? 'win' : process.platform}-${process.arch}`;
const projectNode = path.join(root, 'node_modules', platformPackage, 'bin', windows ? 'node.exe' : 'node');
const binDir = path.join(root, 'node_modules', '.bin');

// Anything the script starts as plain `node` (or a package bin) gets the same runtime.
const pathKey = Object.keys(process.env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH';
const searchPath = process.env[pathKey] ?? '';
if (searchPath.split(path.delimiter)[0] !== binDir)
  process.env[pathKey] = searchPath ? `${binDir}${path.delimiter}${searchPath}` : binDir;

if (existsSync(projectNode) && !sameFile(projectNode, process.execPath)) {
  runOn(projectNode);
} else if (existsSync(projectNode) || majorOf(process.versions.node) >= NEEDED_MAJOR) {
  // Node's own options (`--version`, `--import x`) need a node started with them.
  if (target.startsWith('-')) runOn(process.execPath);
  else await runHere();
} else {
  const pinned = declaredNodeVersion();
  fail(
    pinned
      ? `scryon: Node.js ${process.version} found, Node.js ${NEEDED_MAJOR} needed, and the project's own ` +
          `(${platformPackage}@${pinned}) is not installed: run \`npm install\`, then this command again`
      : `scryon: Node.js ${process.version} found, Node.js ${NEEDED_MAJOR} needed, and the npm registry has no ` +
          `Node.js ${NEEDED_MAJOR} package for ${process.platform}-${process.arch}: install Node.js ${NEEDED_MAJOR} ` +
          `(https://nodejs.org/), then run this command again`,
  );
}

async function runHere() {
  const script = path.resolve(target);
  process.argv = [process.argv[0], script, ...args];
  await import(pathToFileURL(script).href);
}

function runOn(node) {
  const child = spawn(node, [target, ...args], { stdio: 'inherit' });
  const signals = windows ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
  const forwarders = new Map(
    signals.map((signal) => [
      signal,
      () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    ]),
  );
  for (const [signal, forward] of forwarders) process.on(signal, forward);
  child.on('error', (error) => fail(`scryon: could not start ${node}: ${error.message}`));
  child.on('exit', (code, signal) => {
    for (const [name, forward] of forwarders) process.removeListener(name, forward);
    if (signal && !windows) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

function declaredNodeVersion() {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    return pkg.optionalDependencies?.[platformPackage];
  } catch {
    return undefined;
  }
}

function sameFile(a, b) {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function majorOf(version) {
  return Number(version.split('.')[0]);
}

function fail(line) {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}
