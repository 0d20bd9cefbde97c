import type { IdentityAdmin } from '../auth/token-verifier.ts';
import type { Em } from '../db/orm.ts';
import { publishCallRemoval } from '../events/call-status-bus.ts';
import type { Logger } from '../observability/logger.ts';
import type { PipelineGateway } from '../pipeline/pipeline-gateway.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { userPrefix } from '../storage/storage-keys.ts';
import { User } from './user.entity.ts';

export interface DeleteAccountDeps {
  fork: () => Em;
  storage: ArtifactStore;
  pipeline: PipelineGateway;
  /** Firebase, when configured; the local-dev user has no identity to delete. */
  identity: IdentityAdmin | undefined;
  logger: Logger;
}

/**
 * Hard, synchronous account deletion: running workflows are cancelled first
 * (so nothing is written afterwards), then every object under the user's
 * prefix, then the user row, which cascades to everything they own. The
 * Firebase user goes last and on a best-effort basis, as documented.
 */
export async function deleteAccount(deps: DeleteAccountDeps, userId: string): Promise<void> {
  const em = deps.fork();
  const user = await em.findOne(User, { id: userId });
  if (!user) return;
  const inFlight = await em
    .getConnection()
    .execute<{ id: string }[]>(`select id from call_records where user_id = ? and status not in ('COMPLETED', 'FAILED')`, [userId]);
  for (const call of inFlight) await deps.pipeline.cancelCall(call.id);
  await deps.storage.deletePrefix(userPrefix(userId));
  await em.transactional(async (tx) => {
    await tx.getConnection().execute('delete from users where id = ?', [userId], 'run', tx.getTransactionContext());
    await publishCallRemoval(tx, { userId });
  });
  if (deps.identity) {
    try {
      await deps.identity.deleteUser(user.externalUserId);
    } catch (error) {
      deps.logger.warn({ err: error, userId }, 'firebase user deletion failed; the Scryon account is gone');
    }
  }
}
