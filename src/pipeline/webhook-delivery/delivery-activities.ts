import { attemptDelivery, type AttemptInput, type DeliveryDeps } from '../../webhooks/deliver-webhook.ts';
import { guardActivity } from '../activity-guard.ts';

/**
 * The webhook delivery workflow's one activity, an attempt
 * (workflows/webhook-delivery-workflow.ts proxies it by this name). What the
 * receiver answered is its outcome, so only our own failures (the database)
 * are retried by Temporal.
 */
export function createDeliveryActivities(deps: DeliveryDeps) {
  return {
    attemptWebhookDelivery: guardActivity('webhook_delivery_failed', (input: AttemptInput) =>
      attemptDelivery(deps, input),
    ),
  };
}

export type DeliveryActivities = ReturnType<typeof createDeliveryActivities>;
