import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeliveryActivities } from '../src/pipeline/webhook-delivery/delivery-activities.ts';

/**
 * On the run's own queue, the webhooks'
 * (src/pipeline/webhook-delivery/delivery-runs.ts), so the worker that
 * schedules an attempt runs it.
 */
const { attemptWebhookDelivery } = proxyActivities<DeliveryActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

type AttemptOutcome = Awaited<ReturnType<DeliveryActivities['attemptWebhookDelivery']>>;

/**
 * A replay of the delivery: attempt again now, with a fresh retry window.
 * src/pipeline/webhook-delivery/delivery-runs.ts spells the same name.
 */
const replaySignal = defineSignal('replay');

/**
 * Attempts and replays one run takes before it continues as new: a receiver
 * that keeps failing, or an owner who keeps replaying, would otherwise grow
 * the run's history without bound (each attempt adds about a dozen events).
 */
export const WEBHOOK_STEPS_PER_RUN = 50;

/** Where a delivery's run picks up: a first run passes the id alone, a continued one its predecessor's state. */
export interface WebhookDeliveryInput {
  deliveryId: string;
  /** The next attempt's number in its retry window. */
  attempt?: number;
  /** When the window opened; null or absent: the next attempt opens one. */
  windowStartMs?: number | null;
  /** A replay arrived as the last run continued: attempt at once. */
  replayed?: boolean;
  /** Milliseconds the last run still had to wait before the next attempt. */
  retryInMs?: number;
}

/**
 * A webhook delivery: attempts until one is delivered, the receiver's answer
 * rules retries out, or the retry window is spent; each attempt says how
 * long to wait before the next. A replay (signalled, the run started by the
 * signal if it had closed) attempts again at once with a fresh window, even
 * when it arrives while the last attempt is settling. The attempt heartbeats,
 * so one cut off by a dead worker is made again within seconds under the
 * same `webhook-id`. Every WEBHOOK_STEPS_PER_RUN attempts and replays the
 * run continues as new with its state, so its history stays bounded.
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<string> {
  let replayed = input.replayed ?? false;
  let steps = 0;
  setHandler(replaySignal, () => {
    replayed = true;
    steps += 1;
  });
  // Null: this attempt opens a retry window, and its outcome says when.
  let windowStartMs: number | null = input.windowStartMs ?? null;
  let attempt = input.attempt ?? 1;
  if (input.retryInMs !== undefined && !replayed) await condition(() => replayed, input.retryInMs);
  if (replayed) [attempt, windowStartMs] = [1, null];
  for (;;) {
    replayed = false;
    steps += 1;
    const outcome: AttemptOutcome = await attemptWebhookDelivery({
      deliveryId: input.deliveryId,
      attempt,
      windowStartMs,
    });
    windowStartMs = outcome.windowStartMs;
    // Only a run with more to do continues; one whose delivery has settled just ends.
    if ((outcome.retryInMs !== null || replayed) && mustContinue(steps)) {
      const waiting = { attempt: attempt + 1, windowStartMs, retryInMs: outcome.retryInMs ?? 0 };
      const state = replayed ? { replayed } : waiting;
      return continueAsNew<typeof webhookDeliveryWorkflow>({ deliveryId: input.deliveryId, ...state });
    }
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

/** Past the bound, or when the server says the history is getting long. */
function mustContinue(steps: number): boolean {
  return steps >= WEBHOOK_STEPS_PER_RUN || workflowInfo().continueAsNewSuggested;
}
