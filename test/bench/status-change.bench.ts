import { randomUUID } from 'node:crypto';
import { transitionCallStatus } from '../../src/calls/call-status.ts';
import type { CallStatus } from '../../src/calls/call-record.entity.ts';
import { openDatabase, type Em } from '../../src/db/orm.ts';
import { createScratchDatabase } from '../harness/scratch-database.ts';
import { fmt } from './load.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const CALLS_PER_ROUND = 200;
const MOVES: CallStatus[] = ['TRANSCRIBING', 'ANALYZING', 'COMPLETED'];

/**
 * The write path of a status change on PostgreSQL: `transitionCallStatus`,
 * the pipeline's own function (the row's guarded update, which the capture
 * trigger records on the call event log, whose trigger queues the wake-up),
 * against the same statement on `bare_calls`, a copy of `call_records` with
 * its indexes and no triggers: what the log costs over the row alone.
 * Rounds alternate between the two, one change at a time on one connection,
 * and the ratio is taken on the median round.
 */
export async function benchStatusChange(): Promise<{ ratio: number }> {
  const database = await createScratchDatabase('scryon_bench_status');
  const orm = await openDatabase({ url: database.url, pgliteDir: '' });
  try {
    const em = orm.em.fork();
    const userId = randomUUID();
    await em.execute(`insert into users (id, external_user_id, created_at, updated_at) values (?, ?, now(), now())`, [
      userId,
      `bench-${userId}`,
    ]);
    await em.execute(`create table bare_calls (like call_records including all)`);
    const seed = async (table: string) => {
      const ids = Array.from({ length: CALLS_PER_ROUND }, () => randomUUID());
      await em.execute(
        `insert into ${table} (id, user_id, recorded_at, created_at, updated_at)
         select id::uuid, ?, now(), now(), now() from jsonb_array_elements_text(?::jsonb) id`,
        [userId, JSON.stringify(ids)],
      );
      return ids;
    };
    const logged: number[] = [];
    const bare: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const withLog = await seed('call_records');
      logged.push(await timed(withLog, (id, to) => transitionCallStatus(orm.em.fork(), id, to)));
      const without = await seed('bare_calls');
      bare.push(await timed(without, (id, to) => moveBare(orm.em.fork(), id, to)));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const changes = CALLS_PER_ROUND * MOVES.length;
    const [withLogMs, bareMs] = [median(logged) / changes, median(bare) / changes];
    const ratio = bareMs / withLogMs;
    const events = await em.execute<{ count: number }[]>(`select count(*)::int as count from call_events`);
    console.log(
      `status change, write path (PostgreSQL, one connection, ${changes} changes a round, ${ROUNDS} rounds each): ` +
        `with the call event log ${fmt(withLogMs * 1000, 0)} µs a change, the row alone ${fmt(bareMs * 1000, 0)} µs; ` +
        `ratio ${fmt(ratio)} (the log's cost ${fmt((withLogMs - bareMs) * 1000, 0)} µs a ` +
        `change); ${events[0]!.count} events logged`,
    );
    return { ratio };
  } finally {
    await orm.close();
    await database.drop();
  }
}

/** Every call through every move, one change at a time; the round's milliseconds. */
async function timed(ids: string[], move: (id: string, to: CallStatus) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (const to of MOVES) for (const id of ids) await move(id, to);
  return performance.now() - started;
}

/** The statement `moveCallStatus` issues, on the copy without triggers. */
async function moveBare(em: Em, id: string, to: string): Promise<void> {
  await em.execute(
    `update bare_calls set status = ?, error_reason = null, updated_at = now(),
            completed_at = case when ? then now() else completed_at end
      where id = ? and status in (?)
      returning user_id, updated_at, created_at`,
    [to, to === 'COMPLETED', id, ['QUEUED', 'TRANSCRIBING', 'ANALYZING']],
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchStatusChange();
