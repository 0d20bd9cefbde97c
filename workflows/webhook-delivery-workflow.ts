import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PipelineActivities } from '../src/pipeline/activities.ts';

/** On the run's own queue, the webhooks' (src/pipeline/workflow-ids.ts), so the worker that schedules an attempt runs it. */
const { attemptWebhookDelivery } = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

type AttemptOutcome = Awaited<ReturnType<PipelineActivities['attemptWebhookDelivery']>>;

/** A replay of the delivery: attempt again now, with a fresh retry window. src/pipeline/workflow-ids.ts spells the same name. */
const replaySignal = defineSignal('replay');

/**
 * A webhook delivery: attempts until one is delivered, the receiver's answer
 * rules retries out, or the retry window is spent; each attempt says how
 * long to wait before the next. A replay (signalled, the run started by the
 * signal if it had closed) attempts again at once with a fresh window, even
 * when it arrives while the last attempt is settling. The attempt heartbeats,
 * so one cut off by a dead worker is made again within seconds under the
 * same `webhook-id`.
 */
export async function webhookDeliveryWorkflow(input: { deliveryId: string }): Promise<string> {
  let replayed = false;
  setHandler(replaySignal, () => {
    replayed = true;
  });
  // Null: this attempt opens a retry window, and its outcome says when.
  let windowStartMs: number | null = null;
  let attempt = 1;
  for (;;) {
    replayed = false;
    const outcome: AttemptOutcome = await attemptWebhookDelivery({ deliveryId: input.deliveryId, attempt, windowStartMs });
    windowStartMs = outcome.windowStartMs;
    const replayNow = outcome.retryInMs === null ? replayed : await condition(() => replayed, outcome.retryInMs);
    if (outcome.retryInMs === null && !replayNow) return outcome.state;
    if (replayNow) {
      attempt = 1;
      windowStartMs = null;
    } else {
      attempt += 1;
    }
  }
}
