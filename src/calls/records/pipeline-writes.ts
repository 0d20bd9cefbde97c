import type { Outcome, Sentiment } from '../../analysis/analysis-schema.ts';
import type { Em } from '../../db/orm.ts';
import type { SqlFragment } from '../../db/sql-fragment.ts';
import type { CallDirection } from '../call-record.entity.ts';

/** What the pipeline reads of a call and writes back to its row: facts, verdicts, measured length and cost. */

/**
 * Whether the call exists; if so, it cannot be deleted until the caller's
 * transaction ends (its status can still change).
 */
export async function holdCallRow(em: Em, callId: string): Promise<boolean> {
  const rows = await em.execute<unknown[]>('select 1 from call_records where id = ? for key share', [callId]);
  return rows.length > 0;
}

export interface CallFactsRow {
  title: string | null;
  contactName: string | null;
  phoneNumber: string | null;
  organization: string | null;
  direction: CallDirection;
  recordedAt: Date;
  durationSeconds: number | null;
  audioFormat: string | null;
}

export async function callFactsOf(em: Em, userId: string, callId: string): Promise<CallFactsRow | undefined> {
  const rows = await em.execute<CallFactsRow[]>(
    `select title, contact_name as "contactName", phone_number as "phoneNumber", organization, direction,
            recorded_at as "recordedAt",
            duration_seconds as "durationSeconds", audio_format as "audioFormat"
       from call_records where id = ? and user_id = ?`,
    [callId, userId],
  );
  const row = rows[0];
  return (
    row && {
      ...row,
      recordedAt: new Date(row.recordedAt),
      durationSeconds: row.durationSeconds === null ? null : Number(row.durationSeconds),
    }
  );
}

export interface CallJudgements {
  sentiment: Sentiment | null;
  outcome: Outcome | null;
}

/** The analysis's verdicts on the call, for the list's filters and facets. */
export async function setJudgements(em: Em, callId: string, judgements: CallJudgements): Promise<void> {
  await em.execute('update call_records set sentiment = ?, outcome = ? where id = ?', [
    judgements.sentiment,
    judgements.outcome,
    callId,
  ]);
}

/** The measured length, for a call whose client gave none: a client's own value is never replaced. */
export async function setMeasuredDuration(em: Em, callId: string, seconds: number): Promise<void> {
  await em.execute('update call_records set duration_seconds = ? where id = ? and duration_seconds is null', [
    seconds,
    callId,
  ]);
}

/**
 * The call's cost becomes `total` (a subquery of the costs module):
 * recomputed, never incremented, so a repeated write cannot count twice.
 */
export async function refreshCallCost(em: Em, callId: string, total: SqlFragment): Promise<void> {
  await em.execute(`update call_records set cost_usd = coalesce((${total.sql}), 0) where id = ?`, [
    ...total.params,
    callId,
  ]);
}
