import { proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../src/pipeline/activities.ts';
import type { SweepKind } from '../src/pipeline/sweep-schedules.ts';

const { sweep } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

/** Started by a Temporal Schedule per kind; the work is one idempotent activity. */
export async function sweepWorkflow(kind: SweepKind): Promise<number> {
  return sweep(kind);
}
