import { ApplicationFailure } from '@temporalio/activity';
import { transitionCallStatus, type TerminalStatus } from '../../calls/call-status.ts';
import type { CallStatus } from '../../calls/call-record.entity.ts';
import { callTempPrefix } from '../../storage/storage-keys.ts';
import type { StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../workflow-ids.ts';

/** Moves the call forward; a call that is gone stops the workflow quietly. */
export async function markCallStatus(deps: StageDeps, input: CallWorkflowInput, status: CallStatus): Promise<void> {
  const changed = await transitionCallStatus(deps.fork(), input.callId, status);
  if (changed) return;
  const exists = await deps.fork().getConnection().execute<{ status: CallStatus }[]>('select status from call_records where id = ?', [input.callId]);
  if (exists.length === 0) throw ApplicationFailure.nonRetryable('the call was deleted', 'call_deleted');
}

/**
 * Terminal status, then the raw audio goes: TEMP_AUDIO (and the preprocessed
 * variants) never outlive processing. A deleted call makes this a no-op.
 */
export async function finishCall(deps: StageDeps, input: CallWorkflowInput, status: TerminalStatus, errorReason: string | null): Promise<void> {
  await transitionCallStatus(deps.fork(), input.callId, status, errorReason);
  await deps.storage.deletePrefix(callTempPrefix(input.userId, input.callId));
  await deps.fork().getConnection().execute(`delete from call_artifacts where call_id = ? and artifact_type = 'TEMP_AUDIO'`, [input.callId]);
}
