import type { Em } from '../db/orm.ts';
import { deleteExpiredIdempotencyKeys } from '../idempotency/idempotency-service.ts';
import type { Logger } from '../observability/logger.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { callTempPrefix, parseCallKey } from '../storage/storage-keys.ts';
import { IN_FLIGHT_STATUSES, transitionCallStatus } from '../calls/call-status.ts';
import type { CallWorkflowState } from './pipeline-gateway.ts';
import type { CallWorkflowInput } from './workflow-ids.ts';

/**
 * An upload stores its audio before its row exists; this bounds how long that
 * can take. The request timeout (SCRYON_HTTP_REQUEST_TIMEOUT_SECONDS, 5 min by
 * default) ends any upload well before; the hour is margin for a slow insert.
 */
export const DEFAULT_MAX_UPLOAD_MS = 60 * 60 * 1000;
/**
 * A QUEUED call younger than this is an upload whose own start may still be
 * in flight (the Temporal client retries for a while). Not for correctness —
 * a start that loses that race is a no-op — but so the reconciler never does
 * the upload's work for it.
 */
export const UNSTARTED_CALL_GRACE_SECONDS = 30;
const RECONCILE_PAGE = 200;
/**
 * A deletion note younger than this belongs to a delete whose own start of the
 * clean-up may still be in flight; as above, only so the sweep does not do
 * the request's work for it.
 */
export const PENDING_DELETION_GRACE_SECONDS = 30;

export interface SweepDeps {
  fork: () => Em;
  storage: ArtifactStore;
  logger: Logger;
  tempAudioTtlHours: number;
  staleCallMinutes: number;
  /** Longest an upload's object can exist before its row; DEFAULT_MAX_UPLOAD_MS when absent. */
  maxUploadMs?: number;
}

/** What the call sweeps need of Temporal beyond SweepDeps (the sweep activity builds it from its own context). */
export interface CallWorkflowDeps {
  /** running, closed, or missing: no run of `call-<id>` exists. */
  workflowState(callId: string): Promise<CallWorkflowState>;
  /** Starts `call-<id>` unless a run of it exists or existed; already started is success. */
  startCall(input: CallWorkflowInput): Promise<void>;
  /** Starts a deleted call's clean-up workflow, or joins the one running. */
  cleanUpDeletedCall(input: CallWorkflowInput): Promise<void>;
  /** Tells Temporal a long sweep is alive. */
  heartbeat(): void;
}

export type CallSweepDeps = SweepDeps & CallWorkflowDeps;

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
 *
 * An upload in flight looks the same: its audio is stored before its row is
 * inserted. So a call with no row is removed only when it cannot be one:
 * - it has an object outside `temp/` (uploads write only `temp/audio.*`; the
 *   rest is pipeline output, written after the row existed), or
 * - all its objects are older than the longest possible upload.
 * The age is the object's own time from the listing (`updatedAt`: the file's
 * mtime locally, `updated` on GCS, both set when the write completed, and a
 * half-written object is never listed). That is exact and stateless; the
 * alternative, remembering what looked orphaned on the previous run, would
 * need a store of its own and would still race an upload slower than the
 * sweep interval.
 */
export async function sweepOrphanedObjects(deps: SweepDeps): Promise<number> {
  const byCall = new Map<string, { keys: string[]; newest: number; onlyTemp: boolean }>();
  for await (const object of deps.storage.list('users/')) {
    const owner = parseCallKey(object.key);
    if (!owner) continue;
    const entry = byCall.get(owner.callId) ?? { keys: [], newest: 0, onlyTemp: true };
    entry.keys.push(object.key);
    entry.newest = Math.max(entry.newest, object.updatedAt.getTime());
    entry.onlyTemp &&= object.key.startsWith(callTempPrefix(owner.userId, owner.callId));
    byCall.set(owner.callId, entry);
  }
  const uploadedBefore = Date.now() - (deps.maxUploadMs ?? DEFAULT_MAX_UPLOAD_MS);
  let removed = 0;
  const callIds = [...byCall.keys()];
  for (let start = 0; start < callIds.length; start += 500) {
    const batch = callIds.slice(start, start + 500);
    const rows = await deps.fork().getConnection().execute<{ id: string }[]>('select id from call_records where id in (?)', [batch]);
    const alive = new Set(rows.map((row) => row.id));
    for (const callId of batch.filter((id) => !alive.has(id))) {
      const entry = byCall.get(callId)!;
      if (entry.onlyTemp && entry.newest >= uploadedBefore) continue;
      for (const key of entry.keys) await deps.storage.delete(key);
      removed += entry.keys.length;
    }
  }
  return removed;
}

/** Idempotency keys are kept 24 h and then forgotten, answers and all. */
export async function sweepExpiredIdempotencyKeys(deps: SweepDeps): Promise<number> {
  return deleteExpiredIdempotencyKeys(deps.fork());
}

/**
 * Calls stuck in flight whose workflow is gone end as FAILED, so no client
 * polls forever. Except a QUEUED call whose workflow never existed and whose
 * raw audio is still there: that is an upload cut off between its row and its
 * workflow, and the reconciler (sweepUnstartedCalls) starts it. It is failed
 * here only once the reconciler's first start attempt is itself stale (the
 * attempt set updated_at, so it shows in the age test below) and there is
 * still no workflow; or once its audio is gone (the TTL sweep removed it).
 */
export async function sweepStalledCalls(deps: CallSweepDeps): Promise<number> {
  const stale = await deps
    .fork()
    .getConnection()
    .execute<{ id: string; user_id: string; status: string; has_audio: boolean; start_attempted: boolean }[]>(
      `select c.id, c.user_id, c.status, c.updated_at > c.created_at as start_attempted,
              exists (select 1 from call_artifacts a where a.call_id = c.id and a.artifact_type = 'TEMP_AUDIO') as has_audio
         from call_records c
        where c.status in (?) and c.updated_at < now() - (? * interval '1 minute')`,
      [[...IN_FLIGHT_STATUSES], deps.staleCallMinutes],
    );
  let failed = 0;
  for (const call of stale) {
    deps.heartbeat();
    const state = await deps.workflowState(call.id);
    if (state === 'running') continue;
    if (state === 'missing' && call.status === 'QUEUED' && call.has_audio && !call.start_attempted) continue;
    if (await transitionCallStatus(deps.fork(), call.id, 'FAILED', 'pipeline_stalled')) {
      await deps.storage.deletePrefix(callTempPrefix(call.user_id, call.id));
      failed += 1;
    }
  }
  if (failed > 0) deps.logger.warn({ failed }, 'stalled calls failed by the sweeper');
  return failed;
}

/**
 * The reconciler: an upload commits its row, then starts `call-<id>`; a crash
 * (or a Temporal outage) between the two leaves a QUEUED row with no
 * workflow. Every such call past the grace period that still has its raw
 * audio gets its workflow started here. A call whose workflow exists in any
 * state is left alone (the stalled sweeper judges closed ones), and the start
 * itself refuses a second run, so a race with the upload's own start, or
 * with a second reconciler, is harmless.
 *
 * Before its first start attempt the row's updated_at is set (it equals
 * created_at until then, as QUEUED is the first status and nothing else
 * updates a QUEUED row): that marks "the reconciler tried" for the stalled
 * sweeper, and gives the started workflow a full stale window of its own.
 */
export async function sweepUnstartedCalls(deps: CallSweepDeps): Promise<number> {
  let started = 0;
  const failures: unknown[] = [];
  // Keyset pages by id: every candidate is visited once per run, whatever the order.
  let after: string | undefined;
  for (;;) {
    const page = await deps
      .fork()
      .getConnection()
      .execute<{ id: string; user_id: string }[]>(
        `select c.id, c.user_id from call_records c
          where c.status = 'QUEUED' and c.created_at < now() - (? * interval '1 second')
            and exists (select 1 from call_artifacts a where a.call_id = c.id and a.artifact_type = 'TEMP_AUDIO')
            ${after ? 'and c.id > ?' : ''}
          order by c.id
          limit ?`,
        [UNSTARTED_CALL_GRACE_SECONDS, ...(after ? [after] : []), RECONCILE_PAGE],
      );
    for (const call of page) {
      deps.heartbeat();
      try {
        if ((await deps.workflowState(call.id)) !== 'missing') continue;
        const marked = await deps
          .fork()
          .getConnection()
          .execute<{ id: string }[]>(
            `update call_records set updated_at = case when updated_at = created_at then now() else updated_at end
              where id = ? and status = 'QUEUED' returning id`,
            [call.id],
          );
        // Deleted, or picked up, since the page was read.
        if (marked.length === 0) continue;
        await deps.startCall({ callId: call.id, userId: call.user_id });
        started += 1;
      } catch (error) {
        failures.push(error);
        deps.logger.warn({ err: error, callId: call.id }, 'could not start an unstarted call; the next run tries again');
      }
    }
    const last = page.at(-1);
    if (!last || page.length < RECONCILE_PAGE) break;
    after = last.id;
  }
  if (started > 0) deps.logger.warn({ started }, 'started the workflows of calls whose upload never did');
  // Failing the run makes a systemic problem (Temporal refusing starts) visible on the schedule.
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} unstarted calls could not be started`);
  return started;
}

/**
 * The deletes' reconciler: every deleted call whose clean-up has not
 * finished (its note is still there) gets its clean-up workflow started or
 * joined, so a process killed right after the delete's commit loses nothing.
 */
export async function sweepPendingDeletions(deps: CallSweepDeps): Promise<number> {
  let started = 0;
  const failures: unknown[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await deps
      .fork()
      .execute<{ call_id: string; user_id: string }[]>(
        `select call_id, user_id from call_deletions
          where requested_at < now() - (? * interval '1 second') ${after ? 'and call_id > ?' : ''}
          order by call_id limit ?`,
        [PENDING_DELETION_GRACE_SECONDS, ...(after ? [after] : []), RECONCILE_PAGE],
      );
    for (const note of page) {
      deps.heartbeat();
      try {
        await deps.cleanUpDeletedCall({ callId: note.call_id, userId: note.user_id });
        started += 1;
      } catch (error) {
        failures.push(error);
        deps.logger.warn({ err: error, callId: note.call_id }, 'could not start the clean-up of a deleted call; the next run tries again');
      }
    }
    const last = page.at(-1);
    if (!last || page.length < RECONCILE_PAGE) break;
    after = last.call_id;
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} deleted calls could not be cleaned up`);
  return started;
}
