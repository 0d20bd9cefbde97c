import {
  deliveriesInputSchema,
  deliveryListSchema,
  endpointIdInputSchema,
  webhookDeliverySchema,
} from '../../../webhooks/webhook-schemas.ts';
import { defineMutation, defineQuery } from '../operation.ts';
import { MANUAL_SEND_QUOTA } from './endpoint-operations.ts';

const LOG = 'newest first, each with every attempt (status code, duration, error, next retry); kept 30 days';

export const listEndpointDeliveries = defineQuery({
  rest: {
    method: 'GET',
    path: '/webhooks/{id}/deliveries',
    tags: ['webhooks'],
    summary: `The endpoint's deliveries, ${LOG}`,
    errorResponses: { 404: 'webhook_endpoint_not_found' },
  },
  input: deliveriesInputSchema,
  output: deliveryListSchema,
  handle: (ctx, input) => ctx.services.webhooks.deliveriesOfEndpoint(ctx.user.id, input),
});

export const listCallDeliveries = defineQuery({
  rest: {
    method: 'GET',
    path: '/calls/{id}/webhook-deliveries',
    tags: ['webhooks'],
    summary: `The deliveries about a call to any of the caller's endpoints, ${LOG}`,
  },
  input: deliveriesInputSchema,
  output: deliveryListSchema,
  handle: (ctx, input) => ctx.services.webhooks.deliveriesOfCall(ctx.user.id, input),
});

export const replayWebhookDelivery = defineMutation({
  rest: {
    method: 'POST',
    path: '/webhooks/deliveries/{id}/replay',
    tags: ['webhooks'],
    summary:
      'Deliver again under the same webhook-id (receivers de-duplicate by it), with a fresh retry window; a ' +
      'delivery still retrying is attempted again at once, in the same run',
    errorResponses: { 404: 'webhook_delivery_not_found', 429: MANUAL_SEND_QUOTA },
    successStatus: 202,
  },
  idempotencyName: 'webhooks.replay',
  input: endpointIdInputSchema,
  output: webhookDeliverySchema,
  handle: (ctx, input) => ctx.services.webhooks.replay(ctx.user.id, input.id),
});
