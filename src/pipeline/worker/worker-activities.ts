import type { DeliveryDeps } from '../../webhooks/deliver-webhook.ts';
import { createDeletionActivities, type DeletionDeps } from '../delete-call/deletion-activities.ts';
import { createCallActivities } from '../process-call/call-activities.ts';
import type { StageDeps } from '../process-call/stage-context.ts';
import { createSweepActivities, type SweepActivityDeps } from '../sweeps/sweep-activities.ts';
import { createDeliveryActivities } from '../webhook-delivery/delivery-activities.ts';

export interface WorkerActivityDeps {
  calls: StageDeps;
  deletions: DeletionDeps;
  sweeps: SweepActivityDeps;
  webhooks: DeliveryDeps;
}

/**
 * Every workflow's activities, as a worker registers them: each workflow
 * proxies only its own bag, and activity names are unique across bags.
 */
export function createWorkerActivities(deps: WorkerActivityDeps) {
  return {
    ...createCallActivities(deps.calls),
    ...createDeletionActivities(deps.deletions),
    ...createSweepActivities(deps.sweeps),
    ...createDeliveryActivities(deps.webhooks),
  };
}

export type WorkerActivities = ReturnType<typeof createWorkerActivities>;
