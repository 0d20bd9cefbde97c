import type { Em } from '../db/orm.ts';
import { deleteExpiredIdempotencyKeys } from '../idempotency/idempotency-service.ts';
import type { Logger } from '../observability/logger.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { callTempPrefix, parseCallKey } from '../storage/storage-keys.ts';
import { transitionCallStatus } from '../calls/call-status.ts';

export interface SweepDeps {
  fork: () => Em;
  storage: ArtifactStore;
  logger: Logger;
  tempAudioTtlHours: number;
  staleCallMinutes: number;
  /** Whether the call's workflow is still running (a missing workflow is not). */
  isWorkflowRunning(callId: string): Promise<boolean>;
}

/** Backstop for the privacy rule: raw audio never outlives its TTL, even if a call never finished. */
export async function sweepExpiredAudio(deps: SweepDeps): Promise<number> {
  const expired = await deps
    .fork()
    .getConnection()
    .execute<{ call_id: string; user_id: string }[]>(
      `select a.call_id, c.user_id from call_artifacts a join call_records c on c.id = a.call_id
        where a.artifact_type = 'TEMP_AUDIO' and a.created_at < now() - (? * interval '1 hour')`,
      [deps.tempAudioTtlHours],
    );
  for (const row of expired) {
    await deps.storage.deletePrefix(callTempPrefix(row.user_id, row.call_id));
    await deps.fork().getConnection().execute(`delete from call_artifacts where call_id = ? and artifact_type = 'TEMP_AUDIO'`, [row.call_id]);
  }
  return expired.length;
}

/**
 * Objects whose call no longer exists: what a delete interrupted between the
 * storage step and the row leaves behind (deletion is storage-first).
 */
export async function sweepOrphanedObjects(deps: SweepDeps): Promise<number> {
  const byCall = new Map<string, string[]>();
  for await (const object of deps.storage.list('users/')) {
    const owner = parseCallKey(object.key);
    if (owner) byCall.set(owner.callId, [...(byCall.get(owner.callId) ?? []), object.key]);
  }
  let removed = 0;
  const callIds = [...byCall.keys()];
  for (let start = 0; start < callIds.length; start += 500) {
    const batch = callIds.slice(start, start + 500);
    const rows = await deps.fork().getConnection().execute<{ id: string }[]>('select id from call_records where id in (?)', [batch]);
    const alive = new Set(rows.map((row) => row.id));
    for (const callId of batch.filter((id) => !alive.has(id))) {
      for (const key of byCall.get(callId) ?? []) await deps.storage.delete(key);
      removed += byCall.get(callId)?.length ?? 0;
    }
  }
  return removed;
}

/** Idempotency keys are kept 24 h and then forgotten, answers and all. */
export async function sweepExpiredIdempotencyKeys(deps: SweepDeps): Promise<number> {
  return deleteExpiredIdempotencyKeys(deps.fork());
}

/** Calls stuck in flight whose workflow is gone end as FAILED, so no client polls forever. */
export async function sweepStalledCalls(deps: SweepDeps): Promise<number> {
  const stale = await deps
    .fork()
    .getConnection()
    .execute<{ id: string; user_id: string }[]>(
      `select id, user_id from call_records
        where status in ('QUEUED', 'TRANSCRIBING', 'ANALYZING') and updated_at < now() - (? * interval '1 minute')`,
      [deps.staleCallMinutes],
    );
  let failed = 0;
  for (const call of stale) {
    if (await deps.isWorkflowRunning(call.id)) continue;
    if (await transitionCallStatus(deps.fork(), call.id, 'FAILED', 'pipeline_stalled')) {
      await deps.storage.deletePrefix(callTempPrefix(call.user_id, call.id));
      failed += 1;
    }
  }
  if (failed > 0) deps.logger.warn({ failed }, 'stalled calls failed by the sweeper');
  return failed;
}
