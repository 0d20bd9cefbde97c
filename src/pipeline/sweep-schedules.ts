import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { Logger } from '../observability/logger.ts';

const SWEEPS = [
  { kind: 'expired_audio', every: '1 hour' },
  { kind: 'orphaned_objects', every: '6 hours' },
  { kind: 'stalled_calls', every: '5 minutes' },
  { kind: 'expired_idempotency_keys', every: '1 hour' },
  // The change feed keeps 30 days, tombstones included.
  { kind: 'expired_changes', every: '1 day' },
  // The webhook delivery log keeps 30 days.
  { kind: 'expired_webhook_deliveries', every: '1 day' },
  // The reconciler: an upload cut off between its row and its workflow is started within about a minute.
  { kind: 'unstarted_calls', every: '1 minute' },
  // And the deletes': a delete cut off after its commit has its clean-up started within about a minute.
  { kind: 'pending_deletions', every: '1 minute' },
] as const;

export function sweepScheduleId(taskQueue: string, kind: string): string {
  return `${taskQueue}-sweep-${kind.replace(/_/g, '-')}`;
}

/** Creates the sweeper Schedules once; an existing one is left as the operator may have tuned it. */
export async function ensureSweepSchedules(client: Client, taskQueue: string, logger: Logger): Promise<void> {
  for (const sweep of SWEEPS) {
    const scheduleId = sweepScheduleId(taskQueue, sweep.kind);
    try {
      await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: sweep.every }] },
        action: { type: 'startWorkflow', workflowType: 'sweepWorkflow', args: [sweep.kind], taskQueue, workflowId: scheduleId },
        policies: { overlap: 'SKIP' },
      });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) logger.warn({ err: error, scheduleId }, 'could not create sweep schedule');
    }
  }
}
