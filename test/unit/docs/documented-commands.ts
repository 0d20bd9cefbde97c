import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface DocumentedCommand {
  file: string;
  command: string;
}

const PROGRAMS = /^(?:[A-Z_]+=\S+ )*(?:npm|npx|node|curl|temporal|psql|createdb|docker|go|redis-cli) \S/;

/** The README and every page of docs/: where a reader finds a command to type. */
export function documentationFiles(): string[] {
  const docs = readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/**
 * Every command a reader is told to type: the lines of `sh` blocks (comments
 * and continuations folded) and inline code that starts with a program. The
 * README's "First minutes" section is one script per block, run whole by its
 * own test, so it is left out here.
 */
export function documentedCommands(file: string): DocumentedCommand[] {
  let text = readFileSync(path.join(ROOT, file), 'utf8');
  if (file === 'README.md') text = text.replace(/^## First minutes\n[\s\S]*?(?=^## )/m, '');
  const commands: string[] = [];
  for (const [, lang, body] of text.matchAll(/^```(\S*)\n([\s\S]*?)^```$/gm)) {
    if (lang !== 'sh' && lang !== 'bash') continue;
    for (const line of body!.replace(/\\\n\s*/g, ' ').split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  const prose = text.replace(/^```[\s\S]*?^```$/gm, '');
  for (const [, span] of prose.matchAll(/`([^`\n]+)`/g)) {
    if (PROGRAMS.test(span!)) commands.push(span!.trim());
  }
  return [...new Set(commands)].map((command) => ({ file, command }));
}
