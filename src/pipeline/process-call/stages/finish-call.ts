import type { CallStatus } from '../../../calls/call-record.entity.ts';
import type { TerminalStatus } from '../../../calls/call-status.ts';
import type { StageDeps } from '../stage-context.ts';
import type { CallWorkflowInput } from '../call-runs.ts';

/** Moves the call forward; a call that is gone stops the workflow quietly. */
export function markCallStatus(deps: StageDeps, input: CallWorkflowInput, status: CallStatus): Promise<void> {
  return deps.calls.advance(input, status);
}

/** Terminal status, and the raw audio goes; a deleted call makes this a no-op. */
export function finishCall(
  deps: StageDeps,
  input: CallWorkflowInput,
  status: TerminalStatus,
  errorReason: string | null,
): Promise<void> {
  return deps.calls.finish(input, status, errorReason);
}
