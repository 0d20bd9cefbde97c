import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSync } from 'oxc-parser';

/**
 * One owner per table: each domain table's writes, its reads but the call
 * history's, and its entity's value import (which is how the ORM's entity
 * manager reaches it) live in one module of its domain, a file or a folder
 * (its path ending in `/`) of files split by use. Checked by reading the
 * source, never by running it.
 */
export const TABLE_OWNERS: Record<string, { owner: string; entity?: string; entityFile?: string }> = {
  users: { owner: 'src/users/user-queries.ts', entity: 'User', entityFile: 'src/users/user.entity.ts' },
  call_records: {
    owner: 'src/calls/records/',
    entity: 'CallRecord',
    entityFile: 'src/calls/call-record.entity.ts',
  },
  call_artifacts: {
    owner: 'src/calls/call-artifact-queries.ts',
    entity: 'CallArtifact',
    entityFile: 'src/calls/call-artifact.entity.ts',
  },
  call_deletions: {
    owner: 'src/calls/call-deletion-queries.ts',
    entity: 'CallDeletion',
    entityFile: 'src/calls/call-deletion.entity.ts',
  },
  action_items: {
    owner: 'src/actions/action-item-queries.ts',
    entity: 'ActionItem',
    entityFile: 'src/actions/action-item.entity.ts',
  },
  call_processing_events: {
    owner: 'src/pipeline/processing-event-queries.ts',
    entity: 'CallProcessingEvent',
    entityFile: 'src/pipeline/call-processing-event.entity.ts',
  },
  idempotency_keys: {
    owner: 'src/idempotency/idempotency-service.ts',
    entity: 'IdempotencyKey',
    entityFile: 'src/idempotency/idempotency-key.entity.ts',
  },
  user_voice_profiles: {
    owner: 'src/voice/voice-service.ts',
    entity: 'UserVoiceProfile',
    entityFile: 'src/voice/user-voice-profile.entity.ts',
  },
  // No entity: its columns are PostgreSQL's own (regconfig, a generated tsvector).
  search_entries: { owner: 'src/search/search-entry-queries.ts' },
  provider_usage: { owner: 'src/costs/provider-usage-queries.ts' },
  // Appended by the trigger on call_records and action_items (see its migration) and here; read and pruned here.
  call_events: { owner: 'src/events/call-event-queries.ts' },
  webhook_fanout: { owner: 'src/webhooks/webhook-fanout-queries.ts' },
  // A text array of event types: no entities.
  webhook_endpoints: { owner: 'src/webhooks/webhook-endpoint-queries.ts' },
  webhook_deliveries: { owner: 'src/webhooks/webhook-delivery-queries.ts' },
  webhook_attempts: { owner: 'src/webhooks/webhook-attempt-queries.ts' },
};

/**
 * The call history: it reads across the tables (the list, search, summary
 * and stats join calls, items, search entries and costs) and owns those
 * joins, but writes none of them and imports no entity.
 */
export const CROSS_TABLE_READER = 'src/call-history/';

/**
 * Files that issue statements on no domain table: the event bus's pg_notify,
 * the health check's `select 1` and the read of PostgreSQL's zone names.
 * Anything else issuing SQL is an owner.
 */
export const SQL_WITHOUT_TABLES = [
  'src/events/signal-bus.ts',
  'src/db/orm.ts',
  'src/db/chunked-delete.ts',
  'src/time/time-zones.ts',
];

/** Entities reference each other for relations; the ENTITIES list registers them all. */
const ENTITY_REGISTRY = 'src/db/entities.ts';

export interface SourceFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  line: number;
  what: string;
}

/** Whether `file` is, or lies in, the module `owner`. */
export const ownedBy = (owner: string, file: string) => (owner.endsWith('/') ? file.startsWith(owner) : file === owner);
const isOwner = (file: string) => Object.values(TABLE_OWNERS).some((table) => ownedBy(table.owner, file));
const ENTITY_FILES = new Set(
  Object.values(TABLE_OWNERS).flatMap((table) => (table.entityFile ? [table.entityFile] : [])),
);
const TABLE_IN_SQL = new RegExp(
  `\\b(delete\\s+from|from|into|update|join|table|truncate)\\s+"?(${Object.keys(TABLE_OWNERS).join('|')})"?\\b`,
  'gi',
);
const READS = new Set(['from', 'join']);
const readsAcross = (file: string) => file.startsWith(CROSS_TABLE_READER);

export function ownershipViolations(files: readonly SourceFile[]): Violation[] {
  return files.flatMap((file) => violationsIn(file));
}

/** An ESTree node as oxc-parser gives it: a type and offsets, the rest looked up by name. */
interface AstNode {
  type: string;
  start: number;
  [key: string]: unknown;
}

function violationsIn(file: SourceFile): Violation[] {
  const { program } = parseSync(file.path, file.text);
  const violations: Violation[] = [];
  const lineOf = (node: AstNode) => file.text.slice(0, node.start).split('\n').length;
  walk(program as unknown as AstNode, (node) => {
    const text = literalText(node);
    if (text !== undefined) {
      for (const match of text.matchAll(TABLE_IN_SQL)) {
        const table = match[2]!.toLowerCase();
        const reads = READS.has(match[1]!.toLowerCase());
        if (!ownedBy(TABLE_OWNERS[table]!.owner, file.path) && !(reads && readsAcross(file.path)))
          violations.push({
            file: file.path,
            line: lineOf(node),
            what: `SQL on ${table}, owned by ${TABLE_OWNERS[table]!.owner}`,
          });
      }
    }
    if (node.type === 'ImportDeclaration') violations.push(...entityImportViolations(file.path, node, lineOf(node)));
    if (
      isSqlExecute(node) &&
      !isOwner(file.path) &&
      !readsAcross(file.path) &&
      !SQL_WITHOUT_TABLES.includes(file.path)
    ) {
      violations.push({ file: file.path, line: lineOf(node), what: 'a raw statement outside the owner modules' });
    }
  });
  return violations;
}

function walk(node: AstNode, visit: (node: AstNode) => void): void {
  visit(node);
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === 'object' && typeof (child as AstNode).type === 'string')
        walk(child as AstNode, visit);
    }
  }
}

/** The text of a string or template literal (a template's literal parts, joined). */
function literalText(node: AstNode): string | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral')
    return (node.quasis as { value: { raw: string } }[]).map((quasi) => quasi.value.raw).join(' ');
  return undefined;
}

function entityImportViolations(file: string, node: AstNode, line: number): Violation[] {
  if (node.importKind === 'type' || ENTITY_FILES.has(file) || file === ENTITY_REGISTRY) return [];
  return (node.specifiers as AstNode[])
    .filter((specifier) => specifier.type === 'ImportSpecifier' && specifier.importKind !== 'type')
    .flatMap((specifier) => {
      const name = (specifier.imported as { name: string }).name;
      const table = Object.entries(TABLE_OWNERS).find(([, entry]) => entry.entity === name);
      if (!table || ownedBy(table[1].owner, file)) return [];
      return [
        { file, line, what: `imports the ${name} entity, whose table ${table[0]} is owned by ${table[1].owner}` },
      ];
    });
}

/** `<anything>.execute(<string or template literal>, …)`: a hand-written statement. */
function isSqlExecute(node: AstNode): boolean {
  if (node.type !== 'CallExpression') return false;
  const callee = node.callee as AstNode;
  if (callee.type !== 'MemberExpression' || (callee.property as { name?: string }).name !== 'execute') return false;
  const first = (node.arguments as AstNode[])[0];
  return first !== undefined && literalText(first) !== undefined;
}

/** Every TypeScript file the rule covers: production code, migrations aside. */
export function productionSources(root: string): SourceFile[] {
  return ['src', 'workflows']
    .flatMap((folder) =>
      readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' }).map(
        (entry) => `${folder}/${entry.split(path.sep).join('/')}`,
      ),
    )
    .filter((file) => file.endsWith('.ts') && !file.startsWith('src/db/migrations/'))
    .sort()
    .map((file) => ({ path: file, text: readFileSync(path.join(root, file), 'utf8') }));
}
