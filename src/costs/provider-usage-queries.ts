import { randomUUID } from 'node:crypto';
import type { CallRef } from '../calls/pipeline-port.ts';
import type { SqlFragment } from '../db/sql-fragment.ts';
import type { Em } from '../db/orm.ts';
import { isForeignKeyViolation } from '../db/sql-errors.ts';
import type { MeteredStage, Usage } from './usage-cost.ts';

/**
 * Every statement on `provider_usage`, and no other file issues one. SQL
 * rather than the ORM: rows are only ever appended (once per attempt, the
 * unique key absorbing a repeated write) and summed.
 */

export interface UsageRow extends Usage {
  /** The activity attempt it belongs to: one row per attempt, however often it is written. */
  attempt: string;
  stage: MeteredStage;
  provider: string;
  model: string | null;
  billed: boolean;
  costUsd: number;
}

/** Appends one attempt's usage; a call deleted meanwhile leaves nothing. */
export async function recordUsage(em: Em, call: CallRef, row: UsageRow): Promise<void> {
  try {
    await em.execute(
      `insert into provider_usage
         (id, user_id, call_id, attempt, stage, provider, model, billed,
          audio_seconds, input_tokens, output_tokens, cost_usd)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (call_id, attempt) do nothing`,
      [
        randomUUID(),
        call.userId,
        call.callId,
        row.attempt,
        row.stage,
        row.provider,
        row.model,
        row.billed,
        row.audioSeconds ?? null,
        row.inputTokens ?? null,
        row.outputTokens ?? null,
        row.costUsd,
      ],
    );
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
  }
}

export interface StageCostRow {
  stage: MeteredStage;
  attempts: number;
  billedAttempts: number;
  audioSeconds: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** A call's usage and cost per stage. */
export async function costByStage(em: Em, callId: string): Promise<StageCostRow[]> {
  const rows = await em.execute<StageCostRow[]>(
    `select stage, count(*)::int as attempts, count(*) filter (where billed)::int as "billedAttempts",
            coalesce(sum(audio_seconds) filter (where billed), 0)::float8 as "audioSeconds",
            coalesce(sum(input_tokens) filter (where billed), 0)::int as "inputTokens",
            coalesce(sum(output_tokens) filter (where billed), 0)::int as "outputTokens",
            sum(cost_usd)::float8 as "costUsd"
       from provider_usage where call_id = ? group by stage order by stage`,
    [callId],
  );
  return rows;
}

/** The usage and cost per stage of each of the user's `callIds`, in one statement (a GraphQL page's costs). */
export async function costByStageOfCalls(
  em: Em,
  userId: string,
  callIds: readonly string[],
): Promise<Map<string, StageCostRow[]>> {
  const byCall = new Map<string, StageCostRow[]>(callIds.map((id) => [id, []]));
  if (callIds.length === 0) return byCall;
  const rows = await em.execute<Array<StageCostRow & { callId: string }>>(
    `select call_id as "callId", stage, count(*)::int as attempts,
            count(*) filter (where billed)::int as "billedAttempts",
            coalesce(sum(audio_seconds) filter (where billed), 0)::float8 as "audioSeconds",
            coalesce(sum(input_tokens) filter (where billed), 0)::int as "inputTokens",
            coalesce(sum(output_tokens) filter (where billed), 0)::int as "outputTokens",
            sum(cost_usd)::float8 as "costUsd"
       from provider_usage where user_id = ? and call_id in (?) group by call_id, stage order by call_id, stage`,
    [userId, [...callIds]],
  );
  for (const { callId, ...stage } of rows) byCall.get(callId)?.push(stage);
  return byCall;
}

/** A call's total cost, as a subquery the calls module keeps beside the call. */
export function totalCostOf(callId: string): SqlFragment {
  return { sql: 'select sum(cost_usd) from provider_usage where call_id = ?', params: [callId] };
}
