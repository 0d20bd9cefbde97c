import type { IdentityAdmin } from '../users/identity.ts';
import type { Em } from '../db/orm.ts';
import { insertDeletionNotes } from '../calls/call-deletion-queries.ts';
import { startCleanUps } from '../calls/delete-calls.ts';
import { publishIdentityRevocation, type IdentityRevocation } from '../events/signal-bus.ts';
import type { Logger } from '../observability/logger.ts';
import type { PipelinePort } from '../calls/pipeline-port.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { userPrefix } from '../calls/storage-keys.ts';
import { callIdsOfUser } from '../calls/records/call-removal.ts';
import type { CurrentUser } from '../users/identity.ts';
import { deleteUserRow, findUser } from '../users/user-queries.ts';

export interface DeleteAccountDeps {
  fork: () => Em;
  storage: ArtifactStore;
  pipeline: PipelinePort;
  /** Firebase, when configured; the local-dev user has no identity to delete. */
  identity: IdentityAdmin | undefined;
  logger: Logger;
  /** Voids the user's tokens on this instance at once; other instances hear of it on the event bus. */
  revokeIdentity(revocation: IdentityRevocation): void;
}

/**
 * The account as a whole: its deletion reaches into every domain (calls,
 * their objects, the identity), so it sits above them, not in `users`.
 */
export function createAccountsService(deps: DeleteAccountDeps) {
  return {
    async delete(user: CurrentUser): Promise<void> {
      const revocation = await deleteAccount(deps, user.id);
      if (revocation) deps.revokeIdentity(revocation);
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

/**
 * Hard account deletion that does not hold the request: one transaction
 * deletes the user row, which cascades to everything they own, and notes each
 * of their calls for clean-up; each call's workflow is then stopped and its
 * objects removed by its durable clean-up (see calls/delete-calls.ts). What
 * else lies under the user's prefix goes now. The Firebase user goes last and
 * on a best-effort basis, as documented. Answers the revocation it announced
 * (none when there was no account), for this instance to apply at once.
 */
async function deleteAccount(deps: DeleteAccountDeps, userId: string): Promise<IdentityRevocation | undefined> {
  const em = deps.fork();
  const user = await findUser(em, userId);
  if (!user) return undefined;
  const revocation = { externalUserId: user.externalUserId, atMs: Date.now() };
  const calls = await em.transactional(async (tx) => {
    const owned = (await callIdsOfUser(tx, userId)).map((callId) => ({ callId, userId }));
    await insertDeletionNotes(tx, owned);
    await deleteUserRow(tx, userId);
    // Every instance refuses the user's still-valid tokens at commit, before Firebase hears of the deletion.
    await publishIdentityRevocation(tx, revocation);
    return owned;
  });
  await startCleanUps(deps, calls);
  await deps.storage.deletePrefix(userPrefix(userId));
  if (deps.identity) {
    try {
      await deps.identity.deleteUser(user.externalUserId);
    } catch (error) {
      deps.logger.warn({ err: error, userId }, 'firebase user deletion failed; the Scryon account is gone');
    }
  }
  return revocation;
}
