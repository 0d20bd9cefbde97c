import { randomBytes, randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors/app-error.ts';
import { publishDeliveriesQueued } from '../events/signal-bus.ts';
import { forgetAnswersAbout } from '../idempotency/idempotency-service.ts';
import { isUuid } from '../ids/uuid.ts';
import { checkEndpointUrl, OutboundAddressError, type OutboundPolicy } from './outbound-address.ts';
import { attemptsOf, type AttemptRow } from './webhook-attempt-queries.ts';
import {
  deliveriesOf,
  deliveryOf,
  insertDelivery,
  restoreDeliveryState,
  setDeliveryState,
  type DeliveryRow,
} from './webhook-delivery-queries.ts';
import type { DeliveryRuns } from './webhook-dispatcher.ts';
import {
  deleteEndpoint,
  endpointOf,
  endpointsOf,
  insertEndpointWithin,
  updateEndpoint,
  type EndpointChanges,
  type EndpointRow,
} from './webhook-endpoint-queries.ts';
import { TEST_EVENT_TYPE, type WebhookEventType } from './webhook-events.ts';
import type {
  CreateEndpointInput,
  DeliveriesInput,
  UpdateEndpointInput,
  WebhookDeliveryView,
  WebhookEndpointView,
} from './webhook-schemas.ts';

export interface WebhooksDeps {
  fork: () => Em;
  runs: DeliveryRuns;
  policy: OutboundPolicy;
  maxEndpointsPerUser: number;
  /** Counts a test event or replay against the user's budget; throws 429 `rate_limited` past it. */
  manualSendQuota(userId: string): Promise<void>;
}

/** A user's webhook endpoints and their delivery log. */
export function createWebhooksService(deps: WebhooksDeps) {
  const ownEndpoint = async (em: Em, userId: string, id: string): Promise<EndpointRow> => {
    const endpoint = isUuid(id) ? await endpointOf(em, userId, id) : undefined;
    if (!endpoint) throw new AppError('webhook_endpoint_not_found');
    return endpoint;
  };
  // The update is scoped to the owner, so its answer alone says whether the endpoint is theirs.
  const updateOwn = async (userId: string, id: string, changes: EndpointChanges): Promise<EndpointRow> => {
    const row = isUuid(id) ? await updateEndpoint(deps.fork(), userId, id, changes) : undefined;
    if (!row) throw new AppError('webhook_endpoint_not_found');
    return row;
  };

  return {
    async create(userId: string, input: CreateEndpointInput): Promise<WebhookEndpointView & { secret: string }> {
      const url = checkedUrl(input.url, deps.policy);
      const endpoint = {
        id: randomUUID(),
        userId,
        url,
        eventTypes: input.eventTypes,
        secret: newSecret(),
        description: input.description ?? null,
      };
      const row = await insertEndpointWithin(deps.fork(), deps.maxEndpointsPerUser, endpoint);
      if (!row) throw new AppError('webhook_endpoint_limit_reached');
      return { ...endpointView(row), secret: row.secret };
    },

    async list(userId: string): Promise<{ endpoints: WebhookEndpointView[] }> {
      return { endpoints: (await endpointsOf(deps.fork(), userId)).map(endpointView) };
    },

    async update(userId: string, { id, ...changes }: UpdateEndpointInput): Promise<WebhookEndpointView> {
      const url = changes.url === undefined ? undefined : checkedUrl(changes.url, deps.policy);
      return endpointView(await updateOwn(userId, id, { ...changes, ...(url !== undefined && { url }) }));
    },

    /** Deletes the endpoint, and the stored answers that name it: a replayed create must not hand back its secret. */
    async remove(userId: string, id: string): Promise<void> {
      const deleted =
        isUuid(id) &&
        (await deps.fork().transactional(async (tx) => {
          if (!(await deleteEndpoint(tx, userId, id))) return false;
          await forgetAnswersAbout(tx, userId, id);
          return true;
        }));
      if (!deleted) throw new AppError('webhook_endpoint_not_found');
    },

    /**
     * A new secret, effective for every attempt from now on (attempts already
     * signed keep the old one); stored answers with the old one are forgotten.
     */
    async rotateSecret(userId: string, id: string): Promise<WebhookEndpointView & { secret: string }> {
      const row = await updateOwn(userId, id, { secret: newSecret() });
      await forgetAnswersAbout(deps.fork(), userId, id);
      return { ...endpointView(row), secret: row.secret };
    },

    /** A `webhook.test` delivery to this endpoint, enqueued, dispatched, logged and retried like any other. */
    async sendTest(userId: string, id: string): Promise<WebhookDeliveryView> {
      const em = deps.fork();
      const endpoint = await ownEndpoint(em, userId, id);
      await deps.manualSendQuota(userId);
      const delivery = await em.transactional(async (tx) => {
        const enqueued = await insertDelivery(tx, {
          endpointId: endpoint.id,
          userId,
          payload: { type: TEST_EVENT_TYPE, timestamp: new Date().toISOString(), data: { endpointId: endpoint.id } },
        });
        await publishDeliveriesQueued(tx, userId);
        return enqueued;
      });
      return deliveryView(delivery, []);
    },

    async deliveriesOfEndpoint(userId: string, input: DeliveriesInput): Promise<{ deliveries: WebhookDeliveryView[] }> {
      const em = deps.fork();
      const endpoint = await ownEndpoint(em, userId, input.id);
      return withAttempts(em, await deliveriesOf(em, userId, { endpointId: endpoint.id }, input.limit));
    },

    /** The call's deliveries; a deleted call's stay readable (its `call.deleted` among them) until they are pruned. */
    async deliveriesOfCall(userId: string, input: DeliveriesInput): Promise<{ deliveries: WebhookDeliveryView[] }> {
      const em = deps.fork();
      if (!isUuid(input.id)) return { deliveries: [] };
      return withAttempts(em, await deliveriesOf(em, userId, { callId: input.id }, input.limit));
    },

    /** Sends the delivery again under the same `webhook-id`; a run still retrying it is joined, not doubled. */
    async replay(userId: string, id: string): Promise<WebhookDeliveryView> {
      const em = deps.fork();
      const delivery = isUuid(id) ? await deliveryOf(em, userId, id) : undefined;
      if (!delivery) throw new AppError('webhook_delivery_not_found');
      await deps.manualSendQuota(userId);
      // PENDING before the signal, so the replayed attempt's own verdict is what
      // stays; a signal that fails puts the verdict back.
      await setDeliveryState(em, delivery.id, 'PENDING');
      try {
        await deps.runs.replay(delivery);
      } catch (error) {
        await restoreDeliveryState(em, delivery.id, delivery.state);
        throw error;
      }
      return deliveryView({ ...delivery, state: 'PENDING' }, await attemptsOf(em, [delivery.id]));
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;

/** 32 random bytes, in the Standard Webhooks `whsec_<base64>` form its libraries read. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function checkedUrl(raw: string, policy: OutboundPolicy): string {
  try {
    return checkEndpointUrl(raw, policy).href;
  } catch (error) {
    if (error instanceof OutboundAddressError)
      throw new AppError('validation_failed', 'The request is invalid', { fields: { url: error.message } });
    throw error;
  }
}

async function withAttempts(em: Em, deliveries: DeliveryRow[]): Promise<{ deliveries: WebhookDeliveryView[] }> {
  const attempts = await attemptsOf(
    em,
    deliveries.map((delivery) => delivery.id),
  );
  return {
    deliveries: deliveries.map((delivery) =>
      deliveryView(
        delivery,
        attempts.filter((attempt) => attempt.deliveryId === delivery.id),
      ),
    ),
  };
}

function endpointView(row: EndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.eventTypes as WebhookEventType[],
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

function deliveryView(row: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpointId,
    callId: row.callId,
    eventType: row.eventType,
    state: row.state,
    payload: row.payload as unknown as Record<string, unknown>,
    createdAt: new Date(row.createdAt).toISOString(),
    attempts: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      url: attempt.url,
      statusCode: attempt.statusCode,
      durationMs: attempt.durationMs,
      success: attempt.success,
      error: attempt.error,
      nextRetryAt: attempt.nextRetryAt ? new Date(attempt.nextRetryAt).toISOString() : null,
      attemptedAt: new Date(attempt.attemptedAt).toISOString(),
    })),
  };
}
