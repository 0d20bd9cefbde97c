import type { Em } from '../../db/orm.ts';
import { deleteExpiredIdempotencyKeys } from '../../idempotency/idempotency-service.ts';
import { pruneCallEvents } from '../../events/call-event-queries.ts';
import { CALL_EVENT_RETENTION_DAYS } from '../../events/call-events.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';
import { callTempPrefix, parseCallKey } from '../../calls/storage-keys.ts';
import { callsWithTempAudio, deleteArtifact, tempAudioOlderThan } from '../../calls/call-artifact-queries.ts';
import { deletionNotesPage } from '../../calls/call-deletion-queries.ts';
import { existingCallIds, markStartAttempted, queuedCallsPage, staleCalls } from '../../calls/records/sweeps.ts';
import { IN_FLIGHT_STATUSES, transitionCallStatus } from '../../calls/call-status.ts';
import type { CallWorkflowInput, CallWorkflowState } from '../process-call/call-runs.ts';
import { pruneDeliveries } from '../../webhooks/webhook-delivery-queries.ts';
import { DELIVERY_RETENTION_DAYS } from '../../webhooks/webhook-events.ts';

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
  const expired = await tempAudioOlderThan(deps.fork(), deps.tempAudioTtlHours);
  for (const audio of expired) {
    // The key names its owner: users/<userId>/calls/<callId>/temp/…
    const owner = parseCallKey(audio.storageKey);
    if (owner) await deps.storage.deletePrefix(callTempPrefix(owner.userId, owner.callId));
    else await deps.storage.delete(audio.storageKey);
    await deleteArtifact(deps.fork(), audio.callId, 'TEMP_AUDIO');
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
    const alive = await existingCallIds(deps.fork(), batch);
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

/** The webhook delivery log past its retention, attempts with their deliveries. */
export async function sweepExpiredWebhookDeliveries(deps: SweepDeps): Promise<number> {
  return pruneDeliveries(deps.fork(), DELIVERY_RETENTION_DAYS);
}

/**
 * The call event log past its retention (the change feed's changes and
 * tombstones, statuses, progress); a change token that old is refused (410)
 * rather than served with gaps.
 */
export async function sweepExpiredChanges(deps: SweepDeps): Promise<number> {
  return pruneCallEvents(deps.fork(), CALL_EVENT_RETENTION_DAYS);
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
  const stale = await staleCalls(deps.fork(), IN_FLIGHT_STATUSES, deps.staleCallMinutes);
  const withAudio = await callsWithTempAudio(
    deps.fork(),
    stale.map((call) => call.id),
  );
  let failed = 0;
  for (const call of stale) {
    deps.heartbeat();
    const state = await deps.workflowState(call.id);
    if (state === 'running') continue;
    if (state === 'missing' && call.status === 'QUEUED' && withAudio.has(call.id) && !call.startAttempted) continue;
    if (await transitionCallStatus(deps.fork(), call.id, 'FAILED', 'pipeline_stalled')) {
      await deps.storage.deletePrefix(callTempPrefix(call.userId, call.id));
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
  const started = await countPaged(
    deps,
    async (after) => {
      const page = await queuedCallsPage(deps.fork(), {
        graceSeconds: UNSTARTED_CALL_GRACE_SECONDS,
        after,
        limit: RECONCILE_PAGE,
      });
      const withAudio = await callsWithTempAudio(
        deps.fork(),
        page.map((call) => call.id),
      );
      return {
        items: page.filter((call) => withAudio.has(call.id)),
        next: nextPageAfter(page.at(-1)?.id, page.length),
      };
    },
    async (call) => {
      if ((await deps.workflowState(call.id)) !== 'missing') return false;
      // Deleted, or picked up, since the page was read.
      if (!(await markStartAttempted(deps.fork(), call.id))) return false;
      await deps.startCall({ callId: call.id, userId: call.userId });
      return true;
    },
    {
      failure: 'could not start an unstarted call; the next run tries again',
      summary: 'unstarted calls could not be started',
    },
  );
  if (started > 0) deps.logger.warn({ started }, 'started the workflows of calls whose upload never did');
  return started;
}

/**
 * The deletes' reconciler: every deleted call whose clean-up has not
 * finished (its note is still there) gets its clean-up workflow started or
 * joined, so a process killed right after the delete's commit loses nothing.
 */
export async function sweepPendingDeletions(deps: CallSweepDeps): Promise<number> {
  return countPaged(
    deps,
    async (after) => {
      const page = await deletionNotesPage(deps.fork(), {
        graceSeconds: PENDING_DELETION_GRACE_SECONDS,
        after,
        limit: RECONCILE_PAGE,
      });
      return {
        items: page.map((note) => ({ ...note, id: note.callId })),
        next: nextPageAfter(page.at(-1)?.callId, page.length),
      };
    },
    async (note) => {
      await deps.cleanUpDeletedCall(note);
      return true;
    },
    {
      failure: 'could not start the clean-up of a deleted call; the next run tries again',
      summary: 'deleted calls could not be cleaned up',
    },
  );
}

/** Where the next reconcile page starts: after the last key of a full page; a short page was the last. */
function nextPageAfter(lastKey: string | undefined, pageLength: number): string | undefined {
  return pageLength < RECONCILE_PAGE ? undefined : lastKey;
}

/**
 * Visits every item of a keyset-paged scan once (`next` is where the
 * following page starts, undefined after the last), heartbeating per item,
 * and counts the visits that acted (returned true).
 * One item's failure is logged and the rest still run; the run then fails,
 * so a systemic problem (Temporal refusing starts) shows on the schedule.
 */
async function countPaged<T extends { id: string }>(
  deps: CallSweepDeps,
  pageAfter: (after: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
  visit: (item: T) => Promise<boolean>,
  messages: { failure: string; summary: string },
): Promise<number> {
  const failures: unknown[] = [];
  let acted = 0;
  let after: string | undefined;
  do {
    const page = await pageAfter(after);
    for (const item of page.items) {
      deps.heartbeat();
      try {
        if (await visit(item)) acted += 1;
      } catch (error) {
        failures.push(error);
        deps.logger.warn({ err: error, callId: item.id }, messages.failure);
      }
    }
    after = page.next;
  } while (after);
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} ${messages.summary}`);
  return acted;
}
