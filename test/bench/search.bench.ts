import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { listCalls } from '../../src/call-history/list-calls.ts';
import { periodSummaryStatement } from '../../src/call-history/period-summary-queries.ts';
import { periodSummaryInputSchema } from '../../src/call-history/period-summary-schemas.ts';
import { searchCalls } from '../../src/call-history/search-calls.ts';
import { searchStatement } from '../../src/call-history/search-queries.ts';
import { periodQueryOf, summarizePeriod } from '../../src/call-history/summarize-period.ts';
import { listCallsInputSchema } from '../../src/calls/call-schemas.ts';
import { openDatabase, type Em } from '../../src/db/orm.ts';
import { createOpaqueTokens } from '../../src/ids/opaque-token.ts';
import { searchQueryOf } from '../../src/search/search-entry-queries.ts';
import { searchCallsInputSchema } from '../../src/search/search-schemas.ts';
import { createScratchDatabase } from '../harness/scratch-database.ts';
import { fmt } from './load.ts';

const CALLS = Number(process.env.SEARCH_BENCH_CALLS ?? 100_000);
const SEGMENTS_PER_CALL = 20;
const ROUNDS = Number(process.env.SEARCH_BENCH_ROUNDS ?? 200);

/**
 * Search and the period summary over one user's 100,000 calls (one every
 * three minutes from 2026-01-01, an action item on every third, three
 * metered provider attempts each) and
 * 2,000,000 segments on
 * PostgreSQL, through the domain operation every surface runs. Segments are
 * twelve words drawn with a Zipf-like skew from 5,000 (the head a few words
 * in most segments, the tail rare); a phrase is planted in 50 segments. Each
 * query kind runs ROUNDS times; the baseline, in the same run and database,
 * is the call list's first page, the cheapest read a client makes. The plans
 * of each kind are printed, showing which index answers. Target: p99 < 100 ms.
 */
export async function benchSearch(): Promise<void> {
  const database = await createScratchDatabase('scryon_bench_search');
  const orm = await openDatabase({ url: database.url, pgliteDir: '' });
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    const started = performance.now();
    const userId = await generate(db);
    console.log(
      `search, PostgreSQL (${CALLS.toLocaleString('en')} calls, ${(CALLS * SEGMENTS_PER_CALL).toLocaleString('en')} ` +
        `segments of one user; generated in ${fmt((performance.now() - started) / 1000, 0)} s)`,
    );
    const em = () => orm.em.fork();
    const tokens = createOpaqueTokens(randomBytes(32));
    const baseline = await timed(() => listCalls(em(), tokens, userId, listCallsInputSchema.parse({})));
    console.log(`  baseline: list page          p50 ${fmt(baseline.p50)} ms  p99 ${fmt(baseline.p99)} ms`);
    for (const [label, input] of QUERIES) {
      const parsed = searchCallsInputSchema.parse(input);
      const result = await timed(() => searchCalls(em(), tokens, userId, parsed));
      const hits = (await searchCalls(em(), tokens, userId, parsed)).hits.length;
      const tsquery = (await searchQueryOf(em(), parsed.q))!;
      const matching = (
        await db.query(`select count(*)::int as n from search_entries where user_id = $1 and words @@ $2::tsquery`, [
          userId,
          tsquery,
        ])
      ).rows[0].n as number;
      console.log(
        `  ${label.padEnd(28)} p50 ${fmt(result.p50)} ms  p99 ${fmt(result.p99)} ms  ` +
          `(${fmt(result.p99 / baseline.p99, 1)}× the list's p99; ${matching.toLocaleString('en')} matching ` +
          `entries, ${hits} on the page; target p99 < 100) ${result.p99 < 100 ? 'PASS' : 'ABOVE TARGET'}`,
      );
      const statement = searchStatement(userId, {
        text: parsed.q,
        tsquery,
        speakerRole: parsed.speakerRole,
        limit: parsed.limit + 1,
      });
      console.log(`    plan: ${await planOf(em(), statement)}`);
    }
    for (const [label, input] of SUMMARIES) {
      const parsed = periodSummaryInputSchema.parse(input);
      const result = await timed(() => summarizePeriod(em(), userId, parsed));
      const calls = (await summarizePeriod(em(), userId, parsed)).totals.calls;
      console.log(
        `  summary, ${label.padEnd(19)} p50 ${fmt(result.p50)} ms  p99 ${fmt(result.p99)} ms  ` +
          `(${fmt(result.p99 / baseline.p99, 1)}× the list's p99; ${calls.toLocaleString('en')} calls; target p99 < ` +
          `100) ${result.p99 < 100 ? 'PASS' : 'ABOVE TARGET'}`,
      );
      console.log(`    plan: ${await planOf(em(), periodSummaryStatement(userId, periodQueryOf(parsed)))}`);
    }
  } finally {
    await db.end();
    await orm.close();
    await database.drop();
  }
}

const QUERIES: Array<[string, Record<string, string>]> = [
  ['phrase', { q: '"invoice number is forty two"' }],
  ['rare word', { q: 'w4990' }],
  ['mid word', { q: 'w300' }],
  ['common word', { q: 'w20' }],
  ['two words, either', { q: 'w700 or w800' }],
  ['contact only, mid word', { q: 'w300', speakerRole: 'CONTACT' }],
  [
    'mid word, incoming, a month',
    { q: 'w300', direction: 'INCOMING', from: '2026-06-01T00:00:00Z', to: '2026-07-01T00:00:00Z' },
  ],
];

const SUMMARIES: Array<[string, Record<string, string>]> = [
  ['30 days by day', { from: '2026-03-01T00:00:00Z', to: '2026-03-31T00:00:00Z', groupBy: 'day', tz: 'Asia/Kolkata' }],
  [
    '90 days by week',
    { from: '2026-03-01T00:00:00Z', to: '2026-05-30T00:00:00Z', groupBy: 'week', tz: 'Europe/Berlin' },
  ],
  [
    'all 208 days by week',
    { from: '2026-01-01T00:00:00Z', to: '2026-07-28T00:00:00Z', groupBy: 'week', tz: 'America/New_York' },
  ],
];

async function timed(run: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let warm = 0; warm < 10; warm += 1) await run();
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pick = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: pick(0.5), p99: pick(0.99) };
}

/**
 * The indexes (and whole tables) the statement reads, and its time as EXPLAIN ANALYZE measures it (list filters aside).
 */
async function planOf(em: Em, statement: { sql: string; params: unknown[] }): Promise<string> {
  const rows = await em.execute<Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }> }>>(
    `explain (analyze, format json) ${statement.sql}`,
    statement.params,
  );
  const plan = rows[0]!['QUERY PLAN'][0]!;
  const indexes = new Set<string>();
  const visit = (node: PlanNode) => {
    if (node['Index Name']) indexes.add(`${node['Node Type']} on ${node['Index Name']}`);
    else if (node['Node Type'] === 'Seq Scan') indexes.add(`Seq Scan on ${node['Relation Name']}`);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(plan.Plan);
  return `${[...indexes].join(', ') || 'no index'}; ${fmt(plan['Execution Time'])} ms in EXPLAIN ANALYZE`;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** One user, their calls and every call's segments, generated in the database itself. */
async function generate(db: pg.Client): Promise<string> {
  const userId = (
    await db.query(
      `insert into users (id, external_user_id, created_at, updated_at) values (gen_random_uuid(), 'bench', now(), ` +
        `now()) returning id`,
    )
  ).rows[0].id as string;
  await db.query(
    `insert into call_records (id, user_id, title, contact_name, phone_number, direction, recorded_at, ` +
      `duration_seconds, status, cost_usd, created_at, updated_at)
     select gen_random_uuid(), $1, 'Call ' || n, (array['Ravi', 'Asha', 'Jonas', 'Mei'])[1 + n % 4], '+9198765' || ` +
      `lpad((n % 100000)::text, 5, '0'),
            (array['INCOMING', 'OUTGOING', 'UNKNOWN'])[1 + n % 3], timestamptz '2026-01-01' + n * interval '3 ` +
      `minutes', 60 + n % 600, 'COMPLETED', 0.003,
            timestamptz '2026-01-01' + n * interval '3 minutes', now()
       from generate_series(1, $2) n`,
    [userId, CALLS],
  );
  // Word k of 5,000 is drawn with probability falling as 1/k (pow of a uniform draw).
  await db.query(
    `insert into search_entries (id, user_id, call_id, recorded_at, source, segment_id, start_seconds, ` +
      `speaker_role, speaker_name, config, body)
     select gen_random_uuid(), $1, c.id, c.recorded_at, 'SEGMENT', 'seg_' || lpad(s::text, 4, '0'), s * 9.5,
            case when s % 2 = 0 then 'USER' else 'CONTACT' end, case when s % 2 = 0 then 'Praveen' else ` +
      `c.contact_name end, 'english',
            (select string_agg('w' || floor(exp(random() * ln(5000)))::int, ' ') from generate_series(1, 12) w ` +
      `where s > 0)
       from call_records c, generate_series(1, $2) s`,
    [userId, SEGMENTS_PER_CALL],
  );
  await db.query(
    `update search_entries set body = body || ' the invoice number is forty two'
      where id in (select id from search_entries order by id limit 50)`,
  );
  await db.query(
    `insert into action_items (id, user_id, call_record_id, title, due_date, status, source, created_at, updated_at)
     select gen_random_uuid(), $1, id, 'Follow up', date '2026-01-01' + (row_number() over () % 300)::int,
            (array['OPEN', 'IN_PROGRESS', 'DONE', 'DISMISSED'])[1 + (row_number() over () % 4)::int], 'AI', now(), now()
       from call_records where right(title, 1) in ('0', '3', '6', '9')`,
    [userId],
  );
  await db.query(
    `insert into provider_usage (id, user_id, call_id, attempt, stage, provider, billed, audio_seconds, ` +
      `input_tokens, output_tokens, cost_usd)
     select gen_random_uuid(), $1, c.id, c.id || '/' || stage, stage, 'bench', true, c.duration_seconds, 3000, 900, ` +
      `0.001
       from call_records c, unnest(array['TRANSCRIBED', 'DIARIZED', 'ANALYZED']) stage`,
    [userId],
  );
  await db.query('vacuum analyze search_entries');
  await db.query('analyze action_items');
  await db.query('analyze provider_usage');
  await db.query('analyze call_records');
  return userId;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSearch();
