import { proxyActivities } from '@temporalio/workflow';
import type { SweepActivities } from '../src/pipeline/sweeps/sweep-activities.ts';
import type { SweepKind } from '../src/pipeline/sweeps/sweep-schedules.ts';

const { sweep } = proxyActivities<SweepActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

/** Started by a Temporal Schedule per kind; the work is one idempotent activity. */
export async function sweepWorkflow(kind: SweepKind): Promise<number> {
  return sweep(kind);
}
