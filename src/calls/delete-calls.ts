import type { Em } from '../db/orm.ts';
import { forgetAnswersAbout } from '../idempotency/idempotency-service.ts';
import type { Logger } from '../observability/logger.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { callPrefix } from './storage-keys.ts';
import type { PipelinePort, CallRef } from './pipeline-port.ts';
import { deleteDeletionNote, insertDeletionNotes } from './call-deletion-queries.ts';
import { deleteOwnedCalls } from './records/call-removal.ts';

export interface DeleteCallsDeps {
  fork: () => Em;
  pipeline: PipelinePort;
  logger: Logger;
}

/**
 * Deletes a user's calls at once and leaves their clean-up to a durable
 * workflow per call. One transaction removes the rows (their artifacts,
 * action items and events cascade; the call event log records each
 * deletion), so every read stops showing them on commit, and notes each call
 * in `call_deletions`; that note is the clean-up's outbox. Stopping the
 * call's workflow and removing its objects then happen in
 * `deleteCallWorkflow`, which a sweep starts again should this process die
 * before it could. No row ever points at objects that are gone: objects are
 * only removed after their row.
 *
 * Returns the ids that were the user's and are now deleted; the rest were missing.
 */
export async function deleteCalls(
  deps: DeleteCallsDeps,
  userId: string,
  callIds: readonly string[],
): Promise<string[]> {
  const unique = [...new Set(callIds.map((id) => id.toLowerCase()))];
  if (unique.length === 0) return [];
  const deleted = await deps.fork().transactional(async (tx) => {
    const ids = await deleteOwnedCalls(tx, userId, unique);
    if (ids.length === 0) return ids;
    await insertDeletionNotes(
      tx,
      ids.map((callId) => ({ callId, userId })),
    );
    await forgetAnswersAbout(tx, userId, ids);
    return ids;
  });
  await startCleanUps(
    deps,
    deleted.map((callId) => ({ callId, userId })),
  );
  return deleted;
}

/**
 * Starts each call's clean-up workflow, all at once. A start that fails is
 * only logged: the note stays, and the pending-deletions sweep starts it.
 */
export async function startCleanUps(
  deps: Pick<DeleteCallsDeps, 'pipeline' | 'logger'>,
  calls: readonly CallRef[],
): Promise<void> {
  const results = await Promise.allSettled(calls.map((call) => deps.pipeline.cleanUpDeletedCall(call)));
  results.forEach((result, index) => {
    if (result.status === 'rejected')
      deps.logger.warn(
        { err: result.reason, callId: calls[index]!.callId },
        'could not start the clean-up of a deleted call; the pending-deletions sweep will',
      );
  });
}

/** The clean-up's storage step: every object of the call, whatever stage wrote it. */
export async function deleteCallObjects(storage: ArtifactStore, call: CallRef): Promise<void> {
  await storage.deletePrefix(callPrefix(call.userId, call.callId));
}

/** The clean-up's last step: nothing is left to reconcile for this call. */
export async function forgetCallDeletion(em: Em, callId: string): Promise<void> {
  await deleteDeletionNote(em, callId);
}
