import type { CallEvent } from '../events/call-events.ts';

/** What an endpoint can subscribe to. */
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

/**
 * The webhook events a call event makes, each with its payload's `data`:
 * thin, ids and states only. Stage progress and other changes of a call make
 * none; neither does an item's deletion.
 */
export function webhookEventsOf(event: CallEvent): Array<{ type: WebhookEventType; data: Record<string, unknown> }> {
  const callId = event.callId;
  switch (event.kind) {
    case 'call.status': {
      const { status, previousStatus, errorReason } = event.data;
      const changed = { type: 'call.status_changed' as const, data: { callId, status, previousStatus } };
      if (status === 'COMPLETED') return [changed, { type: 'call.completed', data: { callId, status } }];
      if (status === 'FAILED') return [changed, { type: 'call.failed', data: { callId, status, errorReason } }];
      return [changed];
    }
    case 'call.deleted':
      return [{ type: 'call.deleted', data: { callId } }];
    case 'action_item.created':
    case 'action_item.updated':
      return [{ type: event.kind, data: { actionItemId: event.data.id, callId, status: event.data.status } }];
    default:
      return [];
  }
}

/** The call events that can make webhook events: what the fan-out reads of the log. */
export const WEBHOOK_SOURCE_KINDS = [
  'call.status',
  'call.deleted',
  'action_item.created',
  'action_item.updated',
] as const satisfies readonly CallEvent['kind'][];

/** The body a delivery carries: the event's type, when it happened, and its data. */
export function payloadOf(type: WebhookEventType, occurredAt: Date, data: Record<string, unknown>): WebhookPayload {
  return { type, timestamp: occurredAt.toISOString(), data };
}
