import type { Em } from '../db/orm.ts';
import { CALL_STATUSES, type CallStatus } from './call-record.entity.ts';
import { moveCallStatus } from './records/status-transitions.ts';
import type { StatusChange } from './status-log.ts';

/** A call in one of these never changes status again. */
export const TERMINAL_STATUSES = ['COMPLETED', 'FAILED'] as const satisfies readonly CallStatus[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** Which statuses a call may move to a status from; anything else is a no-op. */
const ALLOWED_FROM: Record<CallStatus, readonly CallStatus[]> = {
  QUEUED: [],
  TRANSCRIBING: ['QUEUED'],
  ANALYZING: ['QUEUED', 'TRANSCRIBING'],
  COMPLETED: ['ANALYZING'],
  FAILED: ['QUEUED', 'TRANSCRIBING', 'ANALYZING'],
};

export function isTerminal(status: CallStatus): boolean {
  return (TERMINAL_STATUSES as readonly CallStatus[]).includes(status);
}

/** The statuses of a call still being processed: every one that is not terminal. */
export const IN_FLIGHT_STATUSES: readonly CallStatus[] = CALL_STATUSES.filter((status) => !isTerminal(status));

/**
 * Moves a call forward; the call event log records it in the same statement
 * (its trigger). Guarded by the current status, so a retried or replayed
 * activity can never move a call backwards or record a change twice. Returns
 * the change, or undefined when nothing changed (already there, deleted, or
 * terminal).
 */
export async function transitionCallStatus(
  em: Em,
  callId: string,
  to: CallStatus,
  errorReason: string | null = null,
): Promise<(StatusChange & { userId: string }) | undefined> {
  if (ALLOWED_FROM[to].length === 0) return undefined;
  const changed = await moveCallStatus(em, {
    callId,
    to,
    from: ALLOWED_FROM[to],
    errorReason,
    terminal: isTerminal(to),
  });
  if (!changed) return undefined;
  const { userId, createdAt: uploadedAt, updatedAt: changedAt } = changed;
  return { callId, userId, status: to, errorReason, uploadedAt, changedAt };
}
