import { proxyActivities, sleep } from '@temporalio/workflow';
import type { PipelineActivities } from '../src/pipeline/activities.ts';

/**
 * A webhook delivery: attempts until one is delivered, the receiver's answer
 * rules retries out, or the retry window (counted from this run's start, so
 * a replay gets a full one) is spent; each attempt says how long to wait
 * before the next. The attempt heartbeats, so one cut off by a dead worker
 * is attempted again within seconds under the same `webhook-id`.
 */
/** On the run's own queue, the webhooks' (src/pipeline/workflow-ids.ts), so the worker that schedules an attempt runs it. */
const { attemptWebhookDelivery } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function webhookDeliveryWorkflow(input: { deliveryId: string }): Promise<string> {
  const windowStartMs = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await attemptWebhookDelivery({ deliveryId: input.deliveryId, retry: attempt, windowStartMs });
    if (outcome.retryInMs === null) return outcome.state;
    await sleep(outcome.retryInMs);
  }
}
