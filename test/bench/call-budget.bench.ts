import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { resolveTemporalCli, startTemporalDevServer } from '../../src/pipeline/runtime/temporal-runtime.ts';
import { wavBytes } from '../harness/audio.ts';
import { freePort } from '../harness/free-port.ts';
import { createScratchDatabase } from '../harness/scratch-database.ts';
import { benchEnv } from './bench-env.ts';
import { fmt } from './load.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const CALLS = Number(process.env.BENCH_BUDGET_CALLS ?? 10);
/** The busiest sweep schedules run every minute: an idle window this long sees one of their runs. */
const MAX_IDLE_MS = 75_000;

interface Counters {
  /** Temporal's billable `action` counter of the namespace, by action type. */
  actions: Map<string, number>;
  commits: number;
  rowsWritten: number;
  walBytes: bigint;
}

/**
 * What one call costs the infrastructure around the providers, from outside:
 * Temporal billable actions (the dev server's `action` counter), PostgreSQL
 * transactions, rows written and WAL bytes (`pg_stat_database`,
 * `pg_current_wal_lsn()`), per call over CALLS calls submitted one after the
 * other and followed to COMPLETED. Path: the dev profile on PostgreSQL, API
 * and worker in one process, sandbox providers. The sweep schedules run
 * beside the calls: what one sweep run costs is measured in an idle window
 * that holds at least one, and taken out as many times as sweeps ran among
 * the calls (Temporal's visibility counts them). The WAL is the server's, so
 * other databases' writes count too: run it on a quiet server.
 */
export async function benchCallBudget(): Promise<Record<string, number>> {
  const metricsPort = await freePort();
  const temporal = await startTemporalDevServer({
    executable: await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH),
    logLevel: 'error',
    metricsPort,
  });
  const database = await createScratchDatabase('scryon_budget');
  const stats = new pg.Client({ connectionString: database.url });
  let scryon: ServerProcess | undefined;
  try {
    await stats.connect();
    scryon = await startServerProcess(
      path.resolve('test/bench/scryon-server.ts'),
      await benchEnv({ BENCH_WORKER: 'true', TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: database.url }),
    );
    const read = () => readCounters(stats, database.name, metricsPort);
    const temporalClient = new Client({ connection: await Connection.connect({ address: temporal.address }) });
    const sweepsSince = (since: Date) => sweepRunsSince(temporalClient, since);
    await runCalls(scryon, 1);

    const idleStart = await read();
    const idleSince = new Date();
    while ((await sweepsSince(idleSince)) === 0 && Date.now() - idleSince.getTime() < MAX_IDLE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await settled();
    const idleSweeps = await sweepsSince(idleSince);
    const idle = difference(await read(), idleStart);

    const before = await read();
    const cpuBefore = scryon.cpuMs();
    const callsSince = new Date();
    await runCalls(scryon, CALLS);
    await settled();
    const callSweeps = await sweepsSince(callsSince);
    const during = difference(await read(), before);
    const cpuAfter = scryon.cpuMs();
    const cpuMs = cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system;
    await temporalClient.connection.close();
    console.log(`(sweep runs: ${idleSweeps} in the idle window, ${callSweeps} among the calls)`);
    const budget = printBudget(during, idle, idleSweeps > 0 ? callSweeps / idleSweeps : 0);
    // Not corrected for the sweeps or the idle timers of the window: a bound from above.
    console.log(`  API and worker CPU per call       ${fmt(cpuMs / CALLS, 0)} ms (the one process, all of it)`);
    return { ...budget, cpuMsPerCall: cpuMs / CALLS };
  } finally {
    await scryon?.stop();
    await stats.end().catch(() => undefined);
    await database.drop();
    await temporal.stop();
  }
}

/**
 * A workflow's last actions (its final search-attribute update, its end) come
 * after the status a poll sees, and a sweep run takes a few activities: a
 * window closes this long after its last run started.
 */
function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 3_000));
}

async function sweepRunsSince(client: Client, since: Date): Promise<number> {
  const query = `WorkflowType = 'sweepWorkflow' AND StartTime >= '${since.toISOString()}'`;
  let runs = 0;
  for await (const _ of client.workflow.list({ query })) runs += 1;
  return runs;
}

async function runCalls(scryon: ServerProcess, count: number): Promise<void> {
  const audio = new Uint8Array(wavBytes(3));
  for (let call = 0; call < count; call += 1) {
    const form = new FormData();
    form.append('metadata', new Blob([JSON.stringify({ direction: 'OUTGOING' })], { type: 'application/json' }));
    form.append('file', new Blob([audio], { type: 'audio/wav' }), 'call.wav');
    const submitted = await fetch(`${scryon.url}/api/calls/analyze`, { method: 'POST', body: form });
    const { callId } = (await submitted.json()) as { callId: string };
    for (;;) {
      const poll = await fetch(`${scryon.url}/api/calls/status?ids=${callId}`);
      const { items } = (await poll.json()) as { items: Array<{ status: string }> };
      if (items[0]?.status === 'FAILED') throw new Error(`call ${callId} failed`);
      if (items[0]?.status === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function readCounters(stats: pg.Client, database: string, metricsPort: number): Promise<Counters> {
  const [{ rows: db }, { rows: wal }] = [
    await stats.query<{ commits: string; rows: string }>(
      'select xact_commit as commits, tup_inserted + tup_updated + tup_deleted as rows ' +
        'from pg_stat_database where datname = $1',
      [database],
    ),
    await stats.query<{ lsn: string }>("select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text as lsn"),
  ];
  return {
    actions: await temporalActions(metricsPort),
    commits: Number(db[0]!.commits),
    rowsWritten: Number(db[0]!.rows),
    walBytes: BigInt(wal[0]!.lsn.split('.')[0]!),
  };
}

/** The `action` counter of the `default` namespace, by `action_type`, from the server's Prometheus text. */
async function temporalActions(metricsPort: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const actions = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('action{') || !line.includes('namespace="default"')) continue;
    const type = /action_type="([^"]+)"/.exec(line)?.[1] ?? 'unknown';
    actions.set(type, (actions.get(type) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return actions;
}

function difference(after: Counters, before: Counters): Counters {
  const actions = new Map<string, number>();
  for (const [type, count] of after.actions) actions.set(type, count - (before.actions.get(type) ?? 0));
  return {
    actions,
    commits: after.commits - before.commits,
    rowsWritten: after.rowsWritten - before.rowsWritten,
    walBytes: after.walBytes - before.walBytes,
  };
}

/** Per call: the calls' window less the sweep runs in it, at what the idle window's runs cost. */
function printBudget(during: Counters, idle: Counters, idleWindows: number): Record<string, number> {
  const perCall = (calls: number, background: number) => (calls - background * idleWindows) / CALLS;
  const types = [...new Set([...during.actions.keys(), ...idle.actions.keys()])].sort();
  const byType = types
    .map((type) => [type, perCall(during.actions.get(type) ?? 0, idle.actions.get(type) ?? 0)] as const)
    .filter(([, count]) => Math.abs(count) >= 0.05);
  const actions = byType.reduce((sum, [, count]) => sum + count, 0);
  const budget = {
    temporalActions: actions,
    postgresTransactions: perCall(during.commits, idle.commits),
    rowsWritten: perCall(during.rowsWritten, idle.rowsWritten),
    walBytes: perCall(Number(during.walBytes), Number(idle.walBytes)),
  };
  console.log(
    `call budget, dev profile on PostgreSQL, sandbox providers, API and worker in one process ` +
      `(${CALLS} calls one after the other; the sweep runs among them taken out)`,
  );
  console.log(`  Temporal actions per call       ${fmt(budget.temporalActions, 1)}`);
  for (const [type, count] of byType) console.log(`    ${type.padEnd(40)} ${fmt(count, 1)}`);
  console.log(`  PostgreSQL transactions per call ${fmt(budget.postgresTransactions, 1)}`);
  console.log(`  rows written per call            ${fmt(budget.rowsWritten, 1)}`);
  console.log(`  WAL bytes per call               ${fmt(budget.walBytes / 1024, 1)} KB`);
  return budget;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCallBudget();
