import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentationFiles, documentedCommands, ROOT } from './documented-commands.ts';

/**
 * Where each command the documentation gives is run: a test or `.ci/run`,
 * with a piece of its text that shows it (the command itself, or the command
 * line of the npm script it names). The few that nothing here can run say why.
 */
type Claim = { command: RegExp } & ({ runBy: string; evidence: string } | { notRun: string });

const CLAIMS: Claim[] = [
  {
    command: /^npm install( && npm run dev)?$/,
    runBy: 'test/integration/foundation/readme-examples.test.ts',
    evidence: "DevProcess.start('npm', ['run', 'dev']",
  },
  {
    command: /^npm run dev$/,
    runBy: 'test/integration/foundation/readme-examples.test.ts',
    evidence: "DevProcess.start('npm', ['run', 'dev']",
  },
  { command: /^npm ci$/, runBy: '.ci/run', evidence: 'npm ci --no-audit --no-fund' },
  { command: /^npm test$/, runBy: '.ci/run', evidence: 'npm test -- ' },
  { command: /^npm test -- test\/unit$/, runBy: '.ci/run', evidence: 'npm test -- ' },
  { command: /^npm run gen -- --check$/, runBy: '.ci/run', evidence: 'npm run --silent gen -- --check' },
  { command: /^npm run gen$/, runBy: '.ci/run', evidence: 'npm run --silent gen -- --check' },
  { command: /^npm run lint$/, runBy: '.ci/run', evidence: 'npm run --silent lint' },
  { command: /^npm run format$/, notRun: 'it rewrites files; CI runs its checking half, `npm run lint`' },
  {
    command: /^npm run migrate$/,
    runBy: 'test/integration/foundation/migrations.test.ts',
    evidence: "'run', '--silent', 'migrate'",
  },
  // The npm scripts' command lines, run as the scripts run them (scripts/node24.mjs is the same process on Node 24).
  { command: /^npm start$/, runBy: 'test/integration/foundation/ctrl-c.test.ts', evidence: "['src/main.ts']" },
  {
    command: /^npm run start:api$/,
    runBy: 'test/integration/pipeline/durable-start.test.ts',
    evidence: "['src/main.ts', 'api']",
  },
  { command: /^npm run start:worker$/, runBy: 'test/harness/worker-process.ts', evidence: "['src/main.ts', 'worker']" },
  {
    command: /^node src\/main\.ts$/,
    runBy: 'test/integration/foundation/fresh-machine.test.ts',
    evidence: "['src/main.ts', 'worker']",
  },
  {
    command: /^node scripts\/node24\.mjs (<script> …|first-call\.ts|src\/main\.ts|--version)$/,
    runBy: 'test/integration/foundation/fresh-machine.test.ts',
    evidence: "'scripts/node24.mjs'",
  },
  { command: /^node scripts\/node24\.mjs --version$/, runBy: '.ci/run', evidence: 'node scripts/node24.mjs --version' },
  {
    command: /^node src\/main\.mjs$/,
    runBy: 'test/integration/foundation/fresh-machine.test.ts',
    evidence: 'src/main.ts',
  },
  { command: /^(node|npm) --version$/, runBy: '.ci/run', evidence: 'node --version' },
  {
    command: /^npx vitest run --project integration test\/integration\/pipeline\/load\.test\.ts$/,
    runBy: '.ci/run',
    evidence: 'npm test -- ',
  },
  {
    command: /^temporal operator search-attribute create /,
    runBy: 'test/integration/pipeline/search-attributes.test.ts',
    evidence: 'search-attribute',
  },
  {
    command: /^npm run bench$|^(BENCH_\w+=\S+ )*npx node test\/bench\/[\w-]+\.bench\.ts$/,
    notRun:
      'benches take minutes each and print figures, never gate; the suite type-checks them and runs their harness',
  },
  { command: /^docker compose up$/, notRun: 'needs a Docker engine, which the CI machine has not' },
  { command: /^temporal schedule update$/, notRun: "an operator's change to a remote cluster" },
  { command: /^npm (pack|view)\b/, notRun: "a maintainer's check when the Node pin moves" },
];

const commands = documentationFiles().flatMap(documentedCommands);

describe('every command in the README and docs', () => {
  it('finds the commands it checks', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands).toContainEqual({ file: 'README.md', command: 'npm install && npm run dev' });
  });

  it.each(commands.map((entry) => [`${entry.file}: ${entry.command}`, entry] as const))(
    '%s is run by a test or by .ci/run, or says why not',
    (_, { command }) => {
      const claims = CLAIMS.filter((claim) => claim.command.test(command));
      expect(claims, 'a command the docs give needs an entry in CLAIMS').not.toEqual([]);
      for (const claim of claims) {
        if (!('runBy' in claim)) continue;
        expect(readFileSync(path.join(ROOT, claim.runBy), 'utf8'), `${claim.runBy} runs it`).toContain(claim.evidence);
      }
    },
  );

  it.each(commands.map((entry) => [`${entry.file}: ${entry.command}`, entry] as const))(
    '%s names files and scripts that exist, and runs TypeScript on Node 24',
    (_, { command }) => {
      const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<
        string,
        string
      >;
      for (const [, script] of command.matchAll(/npm run (?:--silent )?([\w:-]+)/g))
        expect(Object.keys(scripts)).toContain(script);
      for (const [, file] of command.matchAll(/(?:^|\s)((?:test|src|scripts)\/[\w/.-]+\.(?:ts|mjs))/g))
        expect(existsSync(path.join(ROOT, file!)), file).toBe(true);
      // The machine's own node may be 20, which cannot run .ts: `npx node` is the project's Node 24.
      // The one bare `node src/main.ts` shown is the one line it prints on Node 20 (docs/node-runtime.md).
      if (command !== 'node src/main.ts') expect(command).not.toMatch(/(?<![\w/.-])(?<!npx )node [\w/.-]+\.ts\b/);
    },
  );

  it('claims nothing the docs no longer give', () => {
    for (const claim of CLAIMS)
      expect(
        commands.some(({ command }) => claim.command.test(command)),
        String(claim.command),
      ).toBe(true);
  });
});
