/** What an endpoint can subscribe to; the database's triggers spell the same names (migration 20261206-webhooks). */
export const WEBHOOK_EVENT_TYPES = [
  'call.status_changed',
  'call.completed',
  'call.failed',
  'call.deleted',
  'action_item.created',
  'action_item.updated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent by "send a test event" only; no endpoint subscribes to it. */
export const TEST_EVENT_TYPE = 'webhook.test';

export const DELIVERY_STATES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * The body every delivery carries, in the Standard Webhooks shape: thin, ids
 * and states only, so no personal data leaves and the receiver fetches the
 * details it is allowed to see.
 */
export interface WebhookPayload {
  type: WebhookEventType | typeof TEST_EVENT_TYPE;
  timestamp: string;
  data: Record<string, unknown>;
}

/** How long deliveries and their attempts are kept. */
export const DELIVERY_RETENTION_DAYS = 30;
