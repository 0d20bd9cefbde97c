import { proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../src/pipeline/activities.ts';

const { sweep } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

export type SweepKind =
  | 'expired_audio'
  | 'orphaned_objects'
  | 'stalled_calls'
  | 'expired_idempotency_keys'
  | 'expired_changes'
  | 'expired_webhook_deliveries'
  | 'unstarted_calls'
  | 'pending_deletions';

/** Started by a Temporal Schedule per kind; the work is one idempotent activity. */
export async function sweepWorkflow(kind: SweepKind): Promise<number> {
  return sweep(kind);
}
