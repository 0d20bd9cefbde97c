import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSync } from 'oxc-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/orm.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/test-database.ts';
import { productionSources, type SourceFile } from '../../unit/architecture/sql-owners.ts';

/**
 * What stands between Scryon and a PostgreSQL sharded by user (Citus-style:
 * every user-owned table distributed by `user_id`, its unique keys and foreign
 * keys holding it, every statement filtering by it). Read from the migrated
 * schema and from the source; each list is compared with its allowlist both
 * ways, so a new blocker fails and so does a lifted one still listed: the
 * lists can only shrink. docs/sharding.md groups the same entries.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DOC = 'docs/sharding.md';

/**
 * The users table is the user: its own id is the distribution column, so every `user_id → users(id)` key is co-located.
 */
const DISTRIBUTION_COLUMN: Record<string, string> = { users: 'id' };
const distributionColumnOf = (table: string) => DISTRIBUTION_COLUMN[table] ?? 'user_id';

type Placement = 'distributed' | 'reference' | 'local';

/** (a) Tables without the distribution column, and where each one goes. */
const WITHOUT_USER_ID: Record<string, { becomes: Placement; fix: string }> = {
  call_artifacts: { becomes: 'distributed', fix: 'add user_id, copied from its call, and distribute by it' },
  webhook_attempts: { becomes: 'distributed', fix: 'add user_id, copied from its delivery, and distribute by it' },
  mikro_orm_migrations: { becomes: 'local', fix: "the migrator's bookkeeping: a local table on the coordinator" },
  webhook_fanout: { becomes: 'local', fix: "one cursor per shard, each shard's log fanned out on its own" },
};

const PK = (columns: string) => `primary key becomes (user_id, ${columns})`;

/** (b) Primary keys and unique indexes of user-owned tables that do not hold the distribution column. */
const UNIQUE_WITHOUT_USER_ID: Record<string, string> = {
  action_items_pkey: PK('id'),
  call_artifacts_pkey: PK('id'),
  call_artifacts_call_type_unique:
    "becomes (user_id, call_id, artifact_type), and the artifact upsert's conflict target",
  call_deletions_pkey: `${PK('call_id')}, and the deletion notes' conflict target`,
  call_processing_events_pkey: PK('id'),
  call_records_pkey: PK('id'),
  call_events_pkey: PK('seq'),
  idempotency_keys_pkey: PK('id'),
  provider_usage_pkey: PK('id'),
  provider_usage_call_attempt_unique: "becomes (user_id, call_id, attempt), and the usage insert's conflict target",
  search_entries_pkey: PK('id'),
  search_entries_action_item_unique: "becomes (user_id, action_item_id), and the item entry's conflict target",
  user_voice_profiles_pkey: PK('id'),
  users_external_user_id_unique:
    'a Firebase uid is unique across users: it moves to an identity table distributed by external_user_id',
  webhook_attempts_pkey: PK('delivery_id, attempt'),
  webhook_deliveries_pkey: PK('id'),
  webhook_endpoints_pkey: PK('id'),
};

const FK = (from: string, to: string) => `becomes (user_id, ${from}) → ${to} (user_id, id)`;

/** (c) Foreign keys between user-owned tables that do not pair user_id with user_id. */
const FOREIGN_KEYS_WITHOUT_USER_ID: Record<string, string> = {
  action_items_call_record_id_foreign: FK('call_record_id', 'call_records'),
  call_artifacts_call_id_foreign: FK('call_id', 'call_records'),
  call_processing_events_call_id_foreign: FK('call_id', 'call_records'),
  provider_usage_call_id_foreign: FK('call_id', 'call_records'),
  search_entries_action_item_id_foreign: FK('action_item_id', 'action_items'),
  search_entries_call_id_foreign: FK('call_id', 'call_records'),
  webhook_attempts_delivery_id_fkey: FK('delivery_id', 'webhook_deliveries'),
  webhook_deliveries_endpoint_id_fkey: FK('endpoint_id', 'webhook_endpoints'),
};

const PER_SHARD_TRIGGER =
  'stays, run per shard (citus.enable_unsafe_triggers): it touches only its own user, co-located';
const HEARD_ON_WORKERS = 'stays: heard once the bus listens on every worker too';

/** (d) Triggers on user-owned tables, and column defaults read from the node's own state. */
const NODE_LOCAL_SCHEMA: Record<string, string> = {
  action_items_call_recorded_at: `${PER_SHARD_TRIGGER}, once copy_call_recorded_at() reads by user_id`,
  action_items_capture: PER_SHARD_TRIGGER,
  call_records_capture: PER_SHARD_TRIGGER,
  call_events_wake: `notifies from the worker, where no API instance listens; ${HEARD_ON_WORKERS}`,
  users_account_status_notice: `notifies from the worker, where no API instance listens; ${HEARD_ON_WORKERS}`,
  'call_events.txid':
    "a worker's transaction id, which a shard move does not keep: a log position becomes a per-user counter",
};

const SWEEP = 'a sweep across users: stays a multi-shard statement, each shard bounded by its own index';
const GAUGE = "an operators' gauge across users: stays a multi-shard aggregate, read at scrape time";
const CALL_REF = 'by call id alone, its caller holding the CallRef: add user_id = ?';
const CALL_REF_BY_TRANSITION = `${CALL_REF} (the transition is handed only the call id today)`;
const BY_ID = 'by row id alone, its caller knowing the owner: add user_id = ?';
const ARTIFACTS = 'call_artifacts has no user_id: filter by it once the table has it';
const UNIT_OF_WORK = 'the unit of work writes by primary key: filtered once that key is (user_id, id)';

/** (e) Statements on user-owned tables that do not filter by user_id, or that read the node's own state. */
const CROSS_USER_STATEMENTS: Record<string, string> = {
  'src/events/call-event-queries.ts#readEvents':
    "its horizon is the snapshot of the node that runs it, and the fan-out reads every user's: read up to the " +
    "user's counter, and fan out shard by shard",
  'src/events/call-event-queries.ts#logHorizon': "the position is the node's snapshot: becomes the user's counter",
  'src/events/call-event-queries.ts#newestTransaction':
    "the node's newest transaction, which a join waits to see pass: becomes the user's counter",
  'src/events/call-event-queries.ts#pruneCallEvents': SWEEP,
  'src/actions/action-item-queries.ts#actionSummariesOf':
    'by call ids alone, every caller holding the user: add user_id = ?',
  'src/actions/action-item-queries.ts#removeItem': UNIT_OF_WORK,
  'src/actions/action-item-queries.ts#saveItems': UNIT_OF_WORK,
  'src/actions/action-item-queries.ts#replaceAiItems': `the AI items' delete ${CALL_REF}`,
  'src/calls/call-artifact-queries.ts#findArtifact': ARTIFACTS,
  'src/calls/call-artifact-queries.ts#findArtifactsOfCalls': ARTIFACTS,
  'src/calls/call-artifact-queries.ts#upsertArtifact': `${ARTIFACTS}, and in the conflict target`,
  'src/calls/call-artifact-queries.ts#deleteArtifact': ARTIFACTS,
  'src/calls/call-artifact-queries.ts#callsWithTempAudio': `${ARTIFACTS} (the sweeps know each call's owner)`,
  'src/calls/call-artifact-queries.ts#tempAudioOlderThan': `${SWEEP}, once call_artifacts is distributed`,
  'src/calls/call-deletion-queries.ts#insertDeletionNotes':
    'conflicts on call_id: on (user_id, call_id) once that is the key',
  'src/calls/call-deletion-queries.ts#deleteDeletionNote': CALL_REF,
  'src/calls/call-deletion-queries.ts#deletionNotesPage': SWEEP,
  'src/calls/records/sweeps.ts#countCallsByStatus': GAUGE,
  'src/calls/records/call-intake.ts#deleteCallRecord': CALL_REF,
  'src/calls/records/pipeline-writes.ts#holdCallRow': CALL_REF,
  'src/calls/records/sweeps.ts#existingCallIds':
    "by call ids alone; each object's key names its owner: add user_id = ?",
  'src/calls/records/sweeps.ts#markStartAttempted': `${CALL_REF} (the sweep read it)`,
  'src/calls/records/status-transitions.ts#moveCallStatus': CALL_REF_BY_TRANSITION,
  'src/calls/records/sweeps.ts#queuedCallsPage': SWEEP,
  'src/calls/records/pipeline-writes.ts#refreshCallCost': CALL_REF,
  'src/calls/records/pipeline-writes.ts#setJudgements': CALL_REF,
  'src/calls/records/pipeline-writes.ts#setMeasuredDuration': CALL_REF,
  'src/calls/records/sweeps.ts#staleCalls': SWEEP,
  'src/calls/records/status-transitions.ts#statusOf': CALL_REF,
  'src/calls/records/status-transitions.ts#statusesOf':
    "the status cache loads calls of many users at once: load per subscriber's user, with user_id = ?",
  'src/costs/provider-usage-queries.ts#costByStage': 'by call id alone, after the ownership check: add user_id = ?',
  'src/costs/provider-usage-queries.ts#recordUsage':
    'conflicts on (call_id, attempt): on (user_id, call_id, attempt) once that is the key',
  'src/costs/provider-usage-queries.ts#totalCostOf': CALL_REF,
  'src/idempotency/idempotency-service.ts#createIdempotencyService.ownerClaim.complete': BY_ID,
  'src/idempotency/idempotency-service.ts#createIdempotencyService.ownerClaim.holdInDoubt': BY_ID,
  'src/idempotency/idempotency-service.ts#createIdempotencyService.ownerClaim.release': BY_ID,
  'src/idempotency/idempotency-service.ts#deleteExpiredIdempotencyKeys': SWEEP,
  'src/search/search-entry-queries.ts#replaceCallEntries': `the call's old entries' delete ${CALL_REF}`,
  'src/call-history/search-queries.ts#searchStatement': 'joins back to search_entries by id alone: add e.user_id = ?',
  'src/search/search-entry-queries.ts#upsertActionItemEntry':
    "reads the call's language by call id alone and conflicts on action_item_id: add user_id to both",
  'src/users/user-queries.ts#provisionUser':
    'find-or-create by Firebase uid: looks the uid up in the identity table first, then writes the user by id',
  'src/voice/voice-service.ts#createVoiceService.saveProfile': UNIT_OF_WORK,
  'src/webhooks/webhook-attempt-queries.ts#attemptsOf':
    'webhook_attempts has no user_id: filter by it once the table has it',
  'src/webhooks/webhook-attempt-queries.ts#recordAttempt':
    'webhook_attempts has no user_id: write and number by it once the table has it',
  'src/webhooks/webhook-delivery-queries.ts#claimUndispatched':
    'claims across users with FOR UPDATE SKIP LOCKED, which Citus runs on one shard only: claim shard by shard',
  'src/webhooks/webhook-delivery-queries.ts#countInFlight': GAUGE,
  'src/webhooks/webhook-delivery-queries.ts#deliveryById': `${BY_ID} (the delivery run's input carries it)`,
  'src/webhooks/webhook-delivery-queries.ts#markDispatched': `${BY_ID} (the claimed rows carry it)`,
  'src/webhooks/webhook-delivery-queries.ts#releaseClaims': `${BY_ID} (the claimed rows carry it)`,
  'src/webhooks/webhook-delivery-queries.ts#setDeliveryState': BY_ID,
  'src/webhooks/webhook-delivery-queries.ts#restoreDeliveryState': BY_ID,
  'src/webhooks/webhook-delivery-queries.ts#pruneDeliveries': SWEEP,
  'src/webhooks/webhook-endpoint-queries.ts#endpointById': `${BY_ID} (the delivery carries it)`,
  'src/webhooks/webhook-endpoint-queries.ts#disableEndpoint': `${BY_ID} (the endpoint carries it)`,
  'src/webhooks/webhook-endpoint-queries.ts#insertEndpointWithin':
    "an advisory lock holds only on the node that takes it: lock the user's row instead",
  'src/webhooks/webhook-fanout-queries.ts#takeFanout':
    "an advisory lock holds only on the node that takes it: the fan-out's cursor of its shard instead",
  'copy_call_recorded_at()': "reads the item's call by id alone: add user_id = new.user_id",
  'wake_call_event_readers()': `notifies from the worker; ${HEARD_ON_WORKERS}`,
  'account_status_notice()': `notifies from the worker; ${HEARD_ON_WORKERS}`,
};

interface Schema {
  columns: Map<string, string[]>;
  uniques: { name: string; table: string; columns: string[] }[];
  foreignKeys: { name: string; table: string; columns: string[]; references: string; referencedColumns: string[] }[];
  triggers: { name: string; table: string }[];
  defaults: { table: string; column: string; expression: string }[];
  functions: { name: string; body: string }[];
}

interface Entity {
  table: string;
  /** The property mapped to the distribution column, when the entity has one. */
  ownerProperty: string | undefined;
}

/** Functions whose answer is the node's own: a transaction id, a snapshot, a lock, a notification's listeners. */
const NODE_LOCAL_IN_APP = /\b(pg_current_snapshot|pg_current_xact_id|txid_current\w*|pg_advisory\w*)\s*\(/i;
/**
 * In the database's own functions pg_notify too: a trigger fires
 * on the worker, whose channel no API instance listens to.
 */
const NODE_LOCAL_IN_DATABASE =
  /\b(pg_current_snapshot|pg_current_xact_id|txid_current\w*|pg_advisory\w*|pg_notify)\s*\(/i;

describe('ready to shard by user', () => {
  let db: TestDatabase;
  let schema: Schema;
  let entities: Map<string, Entity>;
  let tables: Tables;

  beforeAll(async () => {
    db = await createTestDatabase();
    const orm = await openDatabase({ url: db.url, pgliteDir: '' });
    try {
      // The ORM's metadata only maps an entity class named in the source to its table; the schema itself is read below.
      entities = new Map(
        [...orm.getMetadata().getAll().values()]
          .filter((meta) => meta.tableName)
          .map((meta) => {
            const column = distributionColumnOf(meta.tableName);
            const owner = Object.values(meta.properties).find((property) => property.fieldNames?.[0] === column);
            return [meta.className, { table: meta.tableName, ownerProperty: owner?.name }];
          }),
      );
    } finally {
      await orm.close();
    }
    schema = await readSchema(db);
    tables = { all: new Set(schema.columns.keys()), userOwned, columns: schema.columns, entities, schema };
  });
  afterAll(() => db.drop());

  const userOwned = (table: string) =>
    WITHOUT_USER_ID[table]?.becomes !== 'reference' && WITHOUT_USER_ID[table]?.becomes !== 'local';

  it('every table carries user_id, or is listed with where it goes', () => {
    const found = [...schema.columns]
      .filter(([table, columns]) => !columns.includes(distributionColumnOf(table)))
      .map(([table]) => [table, 'no distribution column'] as const);
    expectOnlyShrinks('tables without user_id', new Map(found), WITHOUT_USER_ID);
  });

  it('every primary key and unique index of a user-owned table holds user_id, or is listed', () => {
    const found = schema.uniques
      .filter((unique) => userOwned(unique.table) && !unique.columns.includes(distributionColumnOf(unique.table)))
      .map((unique) => [unique.name, `${unique.table} (${unique.columns.join(', ')})`] as const);
    expectOnlyShrinks('unique keys without user_id', new Map(found), UNIQUE_WITHOUT_USER_ID);
  });

  it('every foreign key between user-owned tables pairs user_id with user_id, or is listed', () => {
    const found = schema.foreignKeys
      .filter((key) => userOwned(key.references) || !userOwned(key.table))
      .filter(
        (key) =>
          !key.columns.some(
            (column, at) =>
              column === distributionColumnOf(key.table) &&
              key.referencedColumns[at] === distributionColumnOf(key.references),
          ),
      )
      .map(
        (key) =>
          [
            key.name,
            `${key.table} (${key.columns.join(', ')}) → ${key.references} (${key.referencedColumns.join(', ')})`,
          ] as const,
      );
    expectOnlyShrinks('foreign keys without user_id', new Map(found), FOREIGN_KEYS_WITHOUT_USER_ID);
  });

  it('every trigger on a user-owned table and every node-local default is listed', () => {
    const found = [
      ...schema.triggers
        .filter((trigger) => userOwned(trigger.table))
        .map((trigger) => [trigger.name, `trigger on ${trigger.table}`] as const),
      ...schema.defaults
        .filter((value) => userOwned(value.table) && NODE_LOCAL_IN_APP.test(value.expression))
        .map((value) => [`${value.table}.${value.column}`, `default ${value.expression}`] as const),
    ];
    expectOnlyShrinks('node-local schema', new Map(found), NODE_LOCAL_SCHEMA);
  });

  it('every statement on a user-owned table filters by user_id, or is listed', () => {
    const found = new Map([
      ...productionSources(ROOT).flatMap((file) => unscopedStatementsIn(file, tables)),
      ...schema.functions.flatMap((fn) => unscopedFunction(fn, tables)),
    ]);
    expectOnlyShrinks('statements across users', found, CROSS_USER_STATEMENTS);
  });

  it('the reader counts user_id filters against table references, helpers, inserts and the entity manager', () => {
    const read = (text: string) =>
      unscopedStatementsIn({ path: 'src/x.ts', text }, tables).map(([name, why]) => `${name}: ${why}`);
    expect(read("export const a = (em) => em.execute('update call_records set title = ? where id = ?');")).toEqual([
      'src/x.ts#a: call_records named 1×, filtered by user_id 0×',
    ]);
    expect(
      read("export const a = (em) => em.execute('delete from call_records where id = ? and user_id = ?');"),
    ).toEqual([]);
    expect(
      read(
        "const owned = () => ['user_id = ?'];\nexport function a(em) { return em.execute(`select id from " +
          'call_records where ${owned()[0]}`); }',
      ),
    ).toEqual([]);
    expect(
      read(
        "export const a = (em) => em.execute('select 1 from call_records c join action_items i on i.call_record_id " +
          "= c.id where c.user_id = ?');",
      ),
    ).toEqual(['src/x.ts#a: call_records, action_items named 2×, filtered by user_id 1×']);
    expect(
      read(
        "export const a = (em) => em.execute('insert into provider_usage (id, user_id, call_id) values (?, ?, ?) on " +
          "conflict (call_id) do nothing');",
      ),
    ).toEqual(['src/x.ts#a: an insert into provider_usage routed or kept unique without its owner']);
    expect(
      read(
        'export const a = (em, u) => em.find(ActionItem, { user: u });\nexport const b = (em, c) => ' +
          'em.nativeDelete(ActionItem, { callRecord: c });',
      ),
    ).toEqual(['src/x.ts#b: nativeDelete(ActionItem) without its owner']);
  });

  it(`${DOC} lists exactly the allowlisted entries`, () => {
    const allowlisted = [
      ...Object.keys(WITHOUT_USER_ID),
      ...Object.keys(UNIQUE_WITHOUT_USER_ID),
      ...Object.keys(FOREIGN_KEYS_WITHOUT_USER_ID),
      ...Object.keys(NODE_LOCAL_SCHEMA),
      ...Object.keys(CROSS_USER_STATEMENTS),
    ].sort();
    expect(
      documentedEntries(readFileSync(path.join(ROOT, DOC), 'utf8')).sort(),
      `the entries columns of ${DOC}, against the allowlists`,
    ).toEqual(allowlisted);
  });
});

function expectOnlyShrinks(what: string, found: Map<string, string>, allowlist: Record<string, unknown>): void {
  const fresh = [...found].filter(([name]) => !(name in allowlist)).map(([name, detail]) => `${name}: ${detail}`);
  const lifted = Object.keys(allowlist).filter((name) => !found.has(name));
  expect(
    { new: fresh.sort(), lifted: lifted.sort() },
    `${what}: lift a new one or list it with the change that lifts it; delete a lifted one from the list (and ${DOC})`,
  ).toEqual({ new: [], lifted: [] });
}

async function readSchema(db: TestDatabase): Promise<Schema> {
  const inPublic = `relnamespace = 'public'::regnamespace`;
  const columnsOf = (key: string, relation: string) =>
    `array(select a.attname::text from unnest(${key}) with ordinality k(attnum, n)
             join pg_attribute a on a.attrelid = ${relation} and a.attnum = k.attnum order by k.n)`;
  const [tables, uniques, foreignKeys, triggers, defaults, functions] = await Promise.all([
    db.query<{ table: string; columns: string[] }>(
      `select c.relname::text as table, array_agg(a.attname::text order by a.attnum) as columns
         from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where c.${inPublic} and c.relkind in ('r', 'p') group by c.relname`,
    ),
    // Key columns only: an index's INCLUDE columns take no part in what it keeps unique.
    db.query<{ name: string; table: string; columns: string[] }>(
      `select x.relname::text as name, c.relname::text as table,
              array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality k(attnum, n)
                      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                     where k.n <= i.indnkeyatts order by k.n) as columns
         from pg_index i join pg_class c on c.oid = i.indrelid join pg_class x on x.oid = i.indexrelid
        where c.${inPublic} and (i.indisunique or i.indisexclusion)`,
    ),
    db.query<Schema['foreignKeys'][number]>(
      `select f.conname::text as name, s.relname::text as table, r.relname::text as references,
              ${columnsOf('f.conkey', 'f.conrelid')} as columns, ${columnsOf('f.confkey', 'f.confrelid')} as ` +
        `"referencedColumns"
         from pg_constraint f join pg_class s on s.oid = f.conrelid join pg_class r on r.oid = f.confrelid
        where f.contype = 'f' and s.${inPublic}`,
    ),
    db.query<{ name: string; table: string }>(
      `select t.tgname::text as name, c.relname::text as table
         from pg_trigger t join pg_class c on c.oid = t.tgrelid where not t.tgisinternal and c.${inPublic}`,
    ),
    db.query<{ table: string; column: string; expression: string }>(
      `select c.relname::text as table, a.attname::text as column, pg_get_expr(d.adbin, d.adrelid) as expression
         from pg_attrdef d join pg_class c on c.oid = d.adrelid
         join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum where c.${inPublic}`,
    ),
    // The schema's own functions (the triggers' among them), not those an extension brought.
    db.query<{ name: string; body: string }>(
      `select p.proname::text as name, p.prosrc as body from pg_proc p
        where p.pronamespace = 'public'::regnamespace
          and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and ` +
        `d.deptype = 'e')`,
    ),
  ]);
  return {
    columns: new Map(tables.map((row) => [row.table, row.columns])),
    uniques,
    foreignKeys,
    triggers,
    defaults,
    functions,
  };
}

interface Tables {
  all: Set<string>;
  userOwned: (table: string) => boolean;
  columns: Map<string, string[]>;
  entities: Map<string, Entity>;
  schema: Schema;
}

/**
 * The statements of one named function (a method or an arrow bound to a name
 * included): the SQL in its literals, the entity manager's calls, and whether
 * it flushes a unit of work.
 */
interface Unit {
  literals: string[];
  identifiers: Set<string>;
  ormCalls: { method: string; entity: string; keys: string[] | undefined }[];
  flushes: boolean;
  changesLoaded: boolean;
}

const ORM_CALLS = new Set([
  'find',
  'findOne',
  'findOneOrFail',
  'findAll',
  'findAndCount',
  'count',
  'nativeDelete',
  'nativeUpdate',
  'nativeInsert',
  'upsert',
  'upsertMany',
  'create',
]);

/** An ESTree node as oxc-parser gives it: a type, the rest looked up by name. */
interface AstNode {
  type: string;
  [key: string]: unknown;
}

const isFunction = (node: AstNode) =>
  node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
const nameOf = (node: unknown) => (node as { name?: string } | null)?.name;

function unscopedStatementsIn(file: SourceFile, tables: Tables): [string, string][] {
  if (![...tables.all, ...tables.entities.keys()].some((name) => file.text.includes(name))) return [];
  const units = new Map<string, Unit>();
  const unitOf = (chain: readonly string[]) => {
    const name = chain.join('.');
    if (!units.has(name))
      units.set(name, { literals: [], identifiers: new Set(), ormCalls: [], flushes: false, changesLoaded: false });
    return units.get(name)!;
  };
  const visit = (node: AstNode, chain: readonly string[], hint: string | undefined): void => {
    let here = chain;
    if (isFunction(node)) {
      const name = nameOf(node.id) ?? hint;
      if (name) here = [...chain, name];
    }
    const unit = unitOf(here);
    const text = literalText(node);
    if (text !== undefined) unit.literals.push(text);
    if (node.type === 'Identifier' && typeof node.name === 'string') unit.identifiers.add(node.name);
    if (node.type === 'CallExpression') recordCall(node, unit, tables);
    for (const [key, value] of Object.entries(node)) {
      const childHint =
        (node.type === 'VariableDeclarator' && key === 'init') ||
        ((node.type === 'Property' || node.type === 'MethodDefinition') && key === 'value')
          ? (nameOf(node.id) ?? nameOf(node.key))
          : undefined;
      for (const child of Array.isArray(value) ? value : [value]) {
        if (!child || typeof child !== 'object' || typeof (child as AstNode).type !== 'string') continue;
        // A top-level constant is a unit of its own; a function names itself.
        const named = here.length === 0 && childHint && !isFunction(child as AstNode);
        visit(child as AstNode, named ? [childHint] : here, childHint);
      }
    }
  };
  const { program } = parseSync(file.path, file.text);
  visit(program as unknown as AstNode, [], undefined);

  // A top-level declaration's literals lend their user_id filters
  // to the functions that use it (a WHERE built by a helper).
  const topLevel = new Map<string, Unit[]>();
  for (const [name, unit] of units) {
    const root = name.split('.')[0]!;
    if (root) topLevel.set(root, [...(topLevel.get(root) ?? []), unit]);
  }
  const helperLiterals = (name: string): string[] => {
    const seen = new Set([name.split('.')[0]!]);
    const queue = [...units.get(name)!.identifiers];
    const literals: string[] = [];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (seen.has(next) || !topLevel.has(next)) continue;
      seen.add(next);
      for (const unit of topLevel.get(next)!) {
        literals.push(...unit.literals);
        queue.push(...unit.identifiers);
      }
    }
    return literals;
  };

  const entitiesOfFile = [...units.values()].flatMap((unit) =>
    unit.ormCalls.map((call) => tables.entities.get(call.entity)!),
  );
  return [...units].flatMap(([name, unit]): [string, string][] => {
    const problems = unitProblems(unit, helperLiterals(name), entitiesOfFile, tables);
    return problems.length > 0 ? [[`${file.path}#${name || '(module)'}`, problems.join('; ')]] : [];
  });
}

function recordCall(node: AstNode, unit: Unit, tables: Tables): void {
  const callee = node.callee as AstNode;
  if (callee.type !== 'MemberExpression') return;
  const method = nameOf(callee.property);
  if (method === 'flush') unit.flushes = true;
  if (method === 'assign' || method === 'remove') unit.changesLoaded = true;
  const [first, second] = node.arguments as AstNode[];
  const entity = first?.type === 'Identifier' ? nameOf(first) : undefined;
  if (!method || !ORM_CALLS.has(method) || !entity || !tables.entities.has(entity)) return;
  const keys =
    second?.type === 'ObjectExpression'
      ? (second.properties as AstNode[]).flatMap((property) =>
          property.type === 'Property' ? [nameOf(property.key) ?? ''] : [],
        )
      : undefined;
  unit.ormCalls.push({ method, entity, keys });
}

/** What keeps a unit from being answered by one user's shard; none when every statement in it is. */
function unitProblems(unit: Unit, helpers: string[], entitiesOfFile: Entity[], tables: Tables): string[] {
  const problems: string[] = [];
  const reads = unit.literals.map((text) => readSql(text, tables));
  const unfiltered = new Map<string, string[]>();
  for (const { table } of reads.flatMap((read) => read.references.filter((reference) => !reference.routed))) {
    const column = distributionColumnOf(table);
    if (!tables.columns.get(table)!.includes(column)) problems.push(`${table} has no ${column}`);
    else unfiltered.set(column, [...(unfiltered.get(column) ?? []), table]);
  }
  // Counted, not parsed: as many filters on the column as unrouted references to its tables.
  for (const [column, named] of unfiltered) {
    const filter = new RegExp(`(?<![\\w.])(?:\\w+\\.)?${column}\\s*(?:=|in\\s*\\()`, 'gi');
    const filters = [...unit.literals, ...helpers].reduce(
      (count, text) => count + (text.match(filter) ?? []).length,
      0,
    );
    if (named.length > filters)
      problems.push(`${[...new Set(named)].join(', ')} named ${named.length}×, filtered by ${column} ${filters}×`);
  }
  const badInserts = reads.flatMap((read) => read.badInserts);
  if (badInserts.length > 0)
    problems.push(`an insert into ${badInserts.join(', ')} routed or kept unique without its owner`);
  const nodeLocal = unit.literals.flatMap((text) => text.match(NODE_LOCAL_IN_APP)?.[1] ?? []);
  if (nodeLocal.length > 0) problems.push(`node-local ${nodeLocal.join(', ')}`);
  for (const call of unit.ormCalls) {
    const entity = tables.entities.get(call.entity)!;
    if (!tables.userOwned(entity.table)) continue;
    if (!entity.ownerProperty || !call.keys?.includes(entity.ownerProperty))
      problems.push(`${call.method}(${call.entity}) without its owner`);
  }
  // A flush updates and deletes what was loaded by primary key: scoped once that key holds the owner.
  if (unit.flushes && (unit.changesLoaded || !unit.ormCalls.some((call) => call.method === 'create'))) {
    const written = [...new Set(entitiesOfFile.map((entity) => entity.table))].filter(
      (table) => tables.userOwned(table) && !primaryKeyHoldsOwner(table, tables),
    );
    if (written.length > 0) problems.push(`a flush writes ${written.join(', ')} by a primary key without its owner`);
  }
  return problems;
}

function primaryKeyHoldsOwner(table: string, tables: Tables): boolean {
  const key = tables.schema.uniques.find((unique) => unique.table === table && unique.name === `${table}_pkey`);
  return key?.columns.includes(distributionColumnOf(table)) ?? false;
}

function unscopedFunction(fn: { name: string; body: string }, tables: Tables): [string, string][] {
  const unit: Unit = {
    literals: [fn.body],
    identifiers: new Set(),
    ormCalls: [],
    flushes: false,
    changesLoaded: false,
  };
  const problems = unitProblems(unit, [], [], tables);
  const nodeLocal = fn.body.match(NODE_LOCAL_IN_DATABASE)?.[1];
  if (nodeLocal && !problems.some((problem) => problem.startsWith('node-local')))
    problems.push(`node-local ${nodeLocal}`);
  return problems.length > 0 ? [[`${fn.name}()`, problems.join('; ')]] : [];
}

const TABLE_REFERENCE = /\b(from|join|into|update)\s+"?([a-z_][a-z0-9_]*)"?/gi;

interface SqlRead {
  /**
   * Each user-owned table the text names; `routed` when the name itself carries the user (an insert naming user_id).
   */
  references: { table: string; routed: boolean }[];
  badInserts: string[];
}

function readSql(text: string, tables: Tables): SqlRead {
  const read: SqlRead = { references: [], badInserts: [] };
  for (const match of text.matchAll(TABLE_REFERENCE)) {
    const table = match[2]!.toLowerCase();
    if (!tables.all.has(table) || !tables.userOwned(table)) continue;
    if (match[1]!.toLowerCase() !== 'into') {
      read.references.push({ table, routed: false });
      continue;
    }
    const column = distributionColumnOf(table);
    const columns = /^\s*\(([^)]*)\)/.exec(text.slice(match.index + match[0].length))?.[1] ?? '';
    const conflict = /\bon\s+conflict\s*\(([^)]*)\)/i.exec(text.slice(match.index))?.[1];
    const holds = (list: string) => list.split(',').some((name) => name.trim().replaceAll('"', '') === column);
    if (!holds(columns) || (conflict !== undefined && !holds(conflict))) read.badInserts.push(table);
    read.references.push({ table, routed: true });
  }
  return read;
}

/** The text of a string or template literal (a template's literal parts, joined). */
function literalText(node: AstNode): string | undefined {
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral')
    return (node.quasis as { value: { raw: string } }[]).map((quasi) => quasi.value.raw).join(' ');
  return undefined;
}

/** The backticked names in the last cell of every table whose last column is headed "entries". */
function documentedEntries(markdown: string): string[] {
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim());
  const lines = markdown.split('\n');
  const entries: string[] = [];
  let listing = false;
  for (const [at, line] of lines.entries()) {
    if (!line.trim().startsWith('|')) {
      listing = false;
      continue;
    }
    if (/^\|\s*-/.test(lines[at + 1]?.trim() ?? '')) {
      listing = cells(line).at(-1) === 'entries';
      continue;
    }
    if (listing && !/^\|\s*-/.test(line.trim()))
      entries.push(...[...(cells(line).at(-1) ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]!));
  }
  return entries;
}
