import { z } from 'zod';
import { MAX_ENDPOINT_URL_LENGTH } from './outbound-address.ts';
import { DELIVERY_STATES, WEBHOOK_EVENT_TYPES } from './webhook-events.ts';

/** One definition of the webhook API's shapes for REST, tRPC and GraphQL. */

const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, 'each event type once');
const url = z.string().trim().min(1).max(MAX_ENDPOINT_URL_LENGTH);
const description = z.string().trim().max(500);
/** Ids are checked by the service: a malformed one reads as missing, like another user's. */
const id = z.string().max(100);

export const createEndpointInputSchema = z.object({ url, eventTypes, description: description.optional() }).strict();
export type CreateEndpointInput = z.infer<typeof createEndpointInputSchema>;

export const updateEndpointInputSchema = z
  .object({
    id,
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    description: description.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateEndpointInput = z.infer<typeof updateEndpointInputSchema>;

export const endpointIdInputSchema = z.object({ id }).strict();

export const deliveriesInputSchema = z
  .object({ id, limit: z.coerce.number().int().min(1).max(100).default(50) })
  .strict();
export type DeliveriesInput = z.infer<typeof deliveriesInputSchema>;

export const webhookEndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    description: z.string().nullable(),
    enabled: z.boolean(),
    /** Why it receives nothing: its owner disabled it, or it answered 410 Gone. */
    disabledReason: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpointView = z.infer<typeof webhookEndpointSchema>;

/** The secret is in this answer only: on create and on rotation. */
export const endpointWithSecretSchema = webhookEndpointSchema
  .extend({ secret: z.string().describe('The Standard Webhooks signing secret (whsec_…); shown once') })
  .meta({ id: 'WebhookEndpointWithSecret' });

export const endpointListSchema = z
  .object({ endpoints: z.array(webhookEndpointSchema) })
  .meta({ id: 'WebhookEndpointList' });

export const deliveryAttemptSchema = z
  .object({
    attempt: z.int().positive(),
    url: z.string(),
    statusCode: z.int().nullable(),
    durationMs: z.int().nonnegative(),
    success: z.boolean(),
    error: z.string().nullable(),
    nextRetryAt: z.iso.datetime().nullable(),
    attemptedAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookDeliveryAttempt' });

export const webhookDeliverySchema = z
  .object({
    /** The `webhook-id` header of every attempt and replay: what a receiver de-duplicates by. */
    id: z.uuid(),
    endpointId: z.uuid(),
    callId: z.uuid().nullable(),
    eventType: z.string(),
    state: z.enum(DELIVERY_STATES),
    payload: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime(),
    attempts: z.array(deliveryAttemptSchema),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryView = z.infer<typeof webhookDeliverySchema>;

export const deliveryListSchema = z
  .object({ deliveries: z.array(webhookDeliverySchema) })
  .meta({ id: 'WebhookDeliveryList' });
