import { readdirSync } from 'node:fs';
import path from 'node:path';
import { API } from 'typescript/unstable/sync';
import {
  isCallExpression,
  isElementAccessExpression,
  isExportDeclaration,
  isExternalModuleReference,
  isIdentifier,
  isImportDeclaration,
  isImportEqualsDeclaration,
  isImportTypeNode,
  isLiteralTypeNode,
  isPropertyAccessExpression,
  isQualifiedName,
  isStringLiteral,
  SyntaxKind,
  type Node,
  type SourceFile,
} from 'typescript/unstable/ast';
import { describe, expect, it } from 'vitest';

/**
 * Workflow code is replayed from history, in Temporal's sandbox: it must be a
 * pure function of its history. This is the lint that keeps it so, by syntax
 * (TypeScript's own parser): what a file in workflows/ may import, and which
 * non-deterministic or host APIs it may not touch. Replay tests
 * (test/integration/pipeline/replay.test.ts) catch the rest.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const WORKFLOWS_DIR = path.join(ROOT, 'workflows');
const SRC_DIR = path.join(ROOT, 'src');

interface Violation {
  file: string;
  line: number;
  column: number;
  message: string;
}

const FORBIDDEN_GLOBALS: Record<string, string> = {
  process: 'the workflow sandbox has no process; pass what the workflow needs as its input or read it in an activity',
  require: 'workflow code is bundled from ES imports only',
  setTimeout: 'use sleep() from @temporalio/workflow: a durable timer recorded in history',
  setInterval: 'use a loop around sleep() from @temporalio/workflow',
  setImmediate: 'use sleep() or a condition from @temporalio/workflow',
};
const FORBIDDEN_MEMBERS: Record<string, Record<string, string>> = {
  Date: { now: 'read time from an activity result or workflowInfo(), never the clock' },
  Math: { random: 'use uuid4() from @temporalio/workflow or take randomness from an activity' },
};
/** Ways to reach a global explicitly (`globalThis.process`, `globalThis.Date.now()`). */
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);

/** Parses `files` (absolute paths; `virtual` supplies text for paths not on disk) and lists every violation. */
function findViolations(files: string[], virtual: Record<string, string> = {}): Violation[] {
  const configPath = path.join(WORKFLOWS_DIR, '.determinism-check.tsconfig.json');
  const config = JSON.stringify({
    compilerOptions: { noResolve: true, noLib: true, types: [], allowImportingTsExtensions: true, noEmit: true },
    files,
  });
  const api = new API({
    cwd: ROOT,
    fs: {
      readFile: (fileName) => (fileName === configPath ? config : virtual[fileName]),
      fileExists: (fileName) => (fileName === configPath || fileName in virtual ? true : undefined),
    },
  });
  try {
    const project = api.updateSnapshot({ openProjects: [configPath] }).getProject(configPath);
    if (!project) throw new Error('TypeScript did not load the workflow files');
    return files.flatMap((file) => {
      const sourceFile = project.program.getSourceFile(file);
      if (!sourceFile) throw new Error(`TypeScript did not parse ${file}`);
      return checkSourceFile(sourceFile, file);
    });
  } finally {
    api.close();
  }
}

function checkSourceFile(sourceFile: SourceFile, file: string): Violation[] {
  const violations: Violation[] = [];
  const report = (node: Node, message: string) => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    violations.push({ file: path.relative(ROOT, file), line: line + 1, column: character + 1, message });
  };
  const checkSpecifier = (node: Node, specifier: string, typeOnly: boolean) => {
    const problem = importProblem(file, specifier, typeOnly);
    if (problem) report(node, problem);
  };

  const visit = (node: Node): void => {
    if (isImportDeclaration(node) && isStringLiteral(node.moduleSpecifier)) {
      checkSpecifier(node, node.moduleSpecifier.text, node.importClause?.phaseModifier === SyntaxKind.TypeKeyword);
    } else if (isExportDeclaration(node) && node.moduleSpecifier && isStringLiteral(node.moduleSpecifier)) {
      checkSpecifier(node, node.moduleSpecifier.text, node.isTypeOnly);
    } else if (isImportEqualsDeclaration(node) && isExternalModuleReference(node.moduleReference)) {
      report(node, '`import … = require()`: workflow code is bundled from ES imports only');
    } else if (isImportTypeNode(node) && isLiteralTypeNode(node.argument) && isStringLiteral(node.argument.literal)) {
      checkSpecifier(node, node.argument.literal.text, true);
    } else if (isCallExpression(node) && node.expression.kind === SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      const imported = argument && isStringLiteral(argument) ? `'${argument.text}'` : '…';
      report(node, `dynamic import(${imported}): workflow code imports statically, from the allowed modules only`);
    } else if (isIdentifier(node) && Object.hasOwn(FORBIDDEN_GLOBALS, node.text) && isReference(node)) {
      report(node, `uses ${node.text}: ${FORBIDDEN_GLOBALS[node.text]}`);
    } else if (isPropertyAccessExpression(node) || isElementAccessExpression(node)) {
      const member = isPropertyAccessExpression(node)
        ? isIdentifier(node.name)
          ? node.name.text
          : undefined
        : isStringLiteral(node.argumentExpression)
          ? node.argumentExpression.text
          : undefined;
      const owner = globalName(node.expression);
      if (owner && member !== undefined) {
        const reason = FORBIDDEN_MEMBERS[owner]?.[member];
        if (reason) report(node, `uses ${owner}.${member}: ${reason}`);
        if (GLOBAL_OBJECTS.has(owner) && Object.hasOwn(FORBIDDEN_GLOBALS, member))
          report(node, `uses ${owner}.${member}: ${FORBIDDEN_GLOBALS[member]}`);
      }
    }
    node.forEachChild(visit);
  };
  sourceFile.forEachChild(visit);
  return violations;
}

/** `Date` for `Date` and `globalThis.Date`; undefined for anything that is not a plain global name. */
function globalName(expression: Node): string | undefined {
  if (isIdentifier(expression)) return expression.text;
  if (
    isPropertyAccessExpression(expression) &&
    isIdentifier(expression.expression) &&
    GLOBAL_OBJECTS.has(expression.expression.text) &&
    isIdentifier(expression.name)
  ) {
    return expression.name.text;
  }
  return undefined;
}

const MEMBER_NAME_PARENTS = new Set([
  SyntaxKind.PropertyAssignment,
  SyntaxKind.PropertyDeclaration,
  SyntaxKind.PropertySignature,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.MethodSignature,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
  SyntaxKind.EnumMember,
  SyntaxKind.ImportSpecifier,
  SyntaxKind.ExportSpecifier,
]);

/** An identifier that names a variable in scope, not a member (`x.process`, `{ process: 1 }`). */
function isReference(node: Node): boolean {
  const parent = node.parent;
  if (isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (isQualifiedName(parent) && parent.right === node) return false;
  if (MEMBER_NAME_PARENTS.has(parent.kind) && (parent as unknown as { name?: Node }).name === node) return false;
  return true;
}

/** Why `specifier` may not be imported by the workflow file `file`, or undefined when it may. */
function importProblem(file: string, specifier: string, typeOnly: boolean): string | undefined {
  if (specifier === '@temporalio/workflow') return undefined;
  if (specifier === '@temporalio/common' || specifier.startsWith('@temporalio/common/')) {
    return typeOnly
      ? undefined
      : `imports '${specifier}' as a value: only \`import type\` from @temporalio/common ` +
          '(values come from @temporalio/workflow)';
  }
  if (specifier.startsWith('node:'))
    return `imports the Node builtin '${specifier}': the workflow sandbox has no Node APIs`;
  if (specifier.startsWith('.')) {
    const target = path.resolve(path.dirname(file), specifier);
    if (isInside(target, WORKFLOWS_DIR)) return undefined;
    if (isInside(target, SRC_DIR)) {
      return typeOnly
        ? undefined
        : `imports '${specifier}' as a value: workflows take only \`import type\` from src/ ` +
            '(a value import bundles that code into the workflow sandbox; `import { type X }` still loads the module)';
    }
    return `imports '${specifier}' from outside workflows/ and src/`;
  }
  return (
    `imports '${specifier}': a workflow may import @temporalio/workflow, ` +
    '`import type` from @temporalio/common or src/, and other files in workflows/'
  );
}

function isInside(target: string, dir: string): boolean {
  const relative = path.relative(dir, target);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

const format = (violations: Violation[]) =>
  violations.map((violation) => `${violation.file}:${violation.line}:${violation.column} ${violation.message}`);

describe('workflow determinism lint', () => {
  it('keeps every file in workflows/ to deterministic code and the imports a workflow may have', () => {
    const files = listFiles(WORKFLOWS_DIR);
    const notTypeScript = files.filter((file) => !file.endsWith('.ts') || file.endsWith('.d.ts'));
    const sources = files.filter((file) => !notTypeScript.includes(file));
    expect(sources.length).toBeGreaterThan(0);
    const problems = [
      ...notTypeScript.map(
        (file) =>
          `${path.relative(ROOT, file)}:1:1 is not a TypeScript source file: workflows/ holds workflow code only`,
      ),
      ...format(findViolations(sources)),
    ];
    expect(problems, `workflow files break the determinism rules:\n${problems.join('\n')}\n`).toEqual([]);
  });

  it('reports each forbidden import and API at its file and line', () => {
    const sample = path.join(WORKFLOWS_DIR, 'lint-sample', 'sample-workflow.ts');
    const text = [
      "import { proxyActivities, sleep } from '@temporalio/workflow';", // 1 allowed
      "import type { RetryPolicy } from '@temporalio/common';", // 2 allowed
      "import { ApplicationFailure } from '@temporalio/common';", // 3 value import from common
      "import type { CallWorkflowInput } from '../../src/pipeline/process-call/call-runs.ts';", // 4 allowed
      "import { callWorkflowId } from '../../src/pipeline/process-call/call-runs.ts';", // 5 value import from src
      // 6 inline type still loads the module
      "import { type CallActivities } from '../../src/pipeline/process-call/call-activities.ts';",
      "import { readFileSync } from 'node:fs';", // 7 builtin
      "import { z } from 'zod';", // 8 other package
      "import { helper } from '../process-call-workflow.ts';", // 9 allowed: workflows/
      "export * from '../../test/harness/audio.ts';", // 10 outside
      'export async function sampleWorkflow(input: CallWorkflowInput): Promise<number> {', // 11
      '  const started = Date.now();', // 12
      '  const jitter = Math.random();', // 13
      '  setTimeout(() => undefined, 10);', // 14
      '  const env = process.env.X;', // 15
      "  const fs = require('fs');", // 16
      '  const later = globalThis.Date.now();', // 17
      '  const options = { process: 1, setTimeout: 2 };', // 18 allowed: member names
      '  const other = options.process + sleep.length;', // 19 allowed: member access
      "  await import('./other.ts');", // 20 dynamic import
      "  const t: typeof import('node:os') | undefined = undefined;", // 21 builtin as a type
      '  return started + jitter;', // 22
      '}',
    ].join('\n');
    const violations = findViolations([sample], { [sample]: text });
    expect(violations.map((violation) => violation.file)).toEqual(
      Array(violations.length).fill('workflows/lint-sample/sample-workflow.ts'),
    );
    expect(violations.map((violation) => [violation.line, violation.message.split(':')[0]])).toEqual([
      [3, "imports '@temporalio/common' as a value"],
      [5, "imports '../../src/pipeline/process-call/call-runs.ts' as a value"],
      [6, "imports '../../src/pipeline/process-call/call-activities.ts' as a value"],
      [7, "imports the Node builtin 'node"],
      [8, "imports 'zod'"],
      [10, "imports '../../test/harness/audio.ts' from outside workflows/ and src/"],
      [12, 'uses Date.now'],
      [13, 'uses Math.random'],
      [14, 'uses setTimeout'],
      [15, 'uses process'],
      [16, 'uses require'],
      [17, 'uses Date.now'],
      [20, "dynamic import('./other.ts')"],
      [21, "imports the Node builtin 'node"],
    ]);
    expect(format(violations)[0]).toMatch(/^workflows\/lint-sample\/sample-workflow\.ts:3:1 /);
  });
});
