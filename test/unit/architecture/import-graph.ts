import path from 'node:path';
import { parseSync } from 'oxc-parser';
import type { SourceFile } from './sql-owners.ts';

/**
 * The import graph of the production code, read with oxc-parser.
 * (dependency-cruiser would be the library for this, but it reads TypeScript
 * through the `typescript` package's JavaScript API, which TypeScript 7 no
 * longer ships.)
 */
export interface ImportEdge {
  from: string;
  to: string;
  /** Erased at compile time: `import type`, or every specifier `type`. */
  typeOnly: boolean;
}

export function importEdges(files: readonly SourceFile[]): ImportEdge[] {
  const known = new Set(files.map((file) => file.path));
  return files.flatMap((file) => {
    const { program } = parseSync(file.path, file.text);
    return program.body.flatMap((statement): ImportEdge[] => {
      if (
        statement.type !== 'ImportDeclaration' &&
        statement.type !== 'ExportNamedDeclaration' &&
        statement.type !== 'ExportAllDeclaration'
      )
        return [];
      const specifier = statement.source?.value;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return [];
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), specifier));
      if (!known.has(to)) return [];
      return [
        { from: file.path, to, typeOnly: isTypeOnly(statement as unknown as { type: string; [key: string]: unknown }) },
      ];
    });
  });
}

function isTypeOnly(statement: { type: string; [key: string]: unknown }): boolean {
  if (statement.importKind === 'type' || statement.exportKind === 'type') return true;
  const specifiers = (statement.specifiers as { importKind?: string; exportKind?: string }[] | undefined) ?? [];
  return (
    specifiers.length > 0 &&
    specifiers.every((specifier) => specifier.importKind === 'type' || specifier.exportKind === 'type')
  );
}

/** Each cycle of imports once, type imports included, as the files around it. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    trail.push(file);
    for (const to of next.get(file) ?? []) {
      if (state.get(to) === 'open') {
        const cycle = trail.slice(trail.indexOf(to));
        cycles.set([...cycle].sort().join(' '), cycle);
      } else if (!state.has(to)) visit(to);
    }
    trail.pop();
    state.set(file, 'done');
  };
  for (const file of [...next.keys()].sort()) if (!state.has(file)) visit(file);
  return [...cycles.values()];
}

/** The folder a file belongs to: `src/<folder>/…` gives the folder, `workflows/…` gives `workflows`. */
export function layerOf(file: string): string {
  const [top, folder] = file.split('/');
  return top === 'src' ? folder! : top!;
}
