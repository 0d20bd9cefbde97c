import { z } from 'zod';
import {
  createEndpointInputSchema,
  endpointIdInputSchema,
  endpointListSchema,
  endpointWithSecretSchema,
  updateEndpointInputSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
} from '../../../webhooks/webhook-schemas.ts';
import { defineMutation, defineQuery } from '../operation.ts';

const NOT_FOUND = { 404: "webhook_endpoint_not_found (missing, or another user's)" };
/** Test events and replays share one budget per user, apart from the request limits. */
export const MANUAL_SEND_QUOTA = 'rate_limited (test events and replays per user per minute; Retry-After says when)';

export const createWebhookEndpoint = defineMutation({
  rest: {
    method: 'POST',
    path: '/webhooks',
    tags: ['webhooks'],
    summary: 'Register an endpoint for the given event types; the answer carries its signing secret, shown this once',
    errorResponses: {
      400: 'validation_failed (bad URL, private address, unknown event type)',
      409: 'webhook_endpoint_limit_reached',
    },
    successStatus: 201,
  },
  idempotencyName: 'webhooks.create',
  input: createEndpointInputSchema,
  output: endpointWithSecretSchema,
  handle: (ctx, input) => ctx.services.webhooks.create(ctx.user.id, input),
});

export const listWebhookEndpoints = defineQuery({
  rest: {
    method: 'GET',
    path: '/webhooks',
    tags: ['webhooks'],
    summary: "The caller's webhook endpoints (no secrets)",
  },
  input: z.void(),
  output: endpointListSchema,
  handle: (ctx) => ctx.services.webhooks.list(ctx.user.id),
});

export const updateWebhookEndpoint = defineMutation({
  rest: {
    method: 'PATCH',
    path: '/webhooks/{id}',
    tags: ['webhooks'],
    summary: 'Change the URL, event types or description; `enabled: false` disables it, `true` enables it again',
    errorResponses: { 400: 'validation_failed', ...NOT_FOUND },
  },
  idempotencyName: 'webhooks.update',
  input: updateEndpointInputSchema,
  output: webhookEndpointSchema,
  handle: (ctx, input) => ctx.services.webhooks.update(ctx.user.id, input),
});

export const deleteWebhookEndpoint = defineMutation({
  rest: {
    method: 'DELETE',
    path: '/webhooks/{id}',
    tags: ['webhooks'],
    summary: 'Delete the endpoint with its delivery log; deliveries in flight stop',
    errorResponses: NOT_FOUND,
    successStatus: 204,
  },
  idempotencyName: 'webhooks.delete',
  input: endpointIdInputSchema,
  output: z.void(),
  handle: (ctx, input) => ctx.services.webhooks.remove(ctx.user.id, input.id),
});

export const rotateWebhookSecret = defineMutation({
  rest: {
    method: 'POST',
    path: '/webhooks/{id}/rotate-secret',
    tags: ['webhooks'],
    summary: 'Replace the signing secret; the answer carries the new one, shown this once',
    errorResponses: NOT_FOUND,
  },
  idempotencyName: 'webhooks.rotateSecret',
  input: endpointIdInputSchema,
  output: endpointWithSecretSchema,
  handle: (ctx, input) => ctx.services.webhooks.rotateSecret(ctx.user.id, input.id),
});

export const sendTestWebhook = defineMutation({
  rest: {
    method: 'POST',
    path: '/webhooks/{id}/test',
    tags: ['webhooks'],
    summary: 'Send a `webhook.test` event to the endpoint, delivered and logged like any other',
    errorResponses: { ...NOT_FOUND, 429: MANUAL_SEND_QUOTA },
    successStatus: 202,
  },
  idempotencyName: 'webhooks.sendTest',
  input: endpointIdInputSchema,
  output: webhookDeliverySchema,
  handle: (ctx, input) => ctx.services.webhooks.sendTest(ctx.user.id, input.id),
});
