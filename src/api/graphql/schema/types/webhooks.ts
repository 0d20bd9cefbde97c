import { operations } from '../../../operations/index.ts';
import { runOperation } from '../../../operations/operation.ts';
import { DELIVERY_STATES, WEBHOOK_EVENT_TYPES } from '../../../../webhooks/webhook-events.ts';
import type { WebhookDeliveryView, WebhookEndpointView } from '../../../../webhooks/webhook-schemas.ts';
import { builder } from '../builder.ts';
import { withoutNulls } from './call.ts';

const { webhooks } = operations;

/** GraphQL enum values cannot hold dots: `call.completed` is CALL_COMPLETED here and the wire name everywhere else. */
const enumName = (type: string) => type.replace(/[._]/g, '_').toUpperCase();
const WebhookEventTypeEnum = builder.enumType('WebhookEventType', {
  values: Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [enumName(type), { value: type, description: `\`${type}\`` }]),
  ),
});
const DeliveryStateEnum = builder.enumType('WebhookDeliveryState', { values: DELIVERY_STATES });

type Endpoint = WebhookEndpointView & { secret?: string };

const WebhookEndpointRef = builder.objectRef<Endpoint>('WebhookEndpoint').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.exposeString('url'),
    eventTypes: t.field({ type: [WebhookEventTypeEnum], resolve: (endpoint) => endpoint.eventTypes }),
    description: t.exposeString('description', { nullable: true }),
    enabled: t.exposeBoolean('enabled'),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', resolve: (endpoint) => endpoint.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (endpoint) => endpoint.updatedAt }),
    secret: t.string({
      nullable: true,
      description: 'The signing secret: only in the answer of create and rotateWebhookSecret',
      resolve: (endpoint) => endpoint.secret ?? null,
    }),
  }),
});

type Attempt = WebhookDeliveryView['attempts'][number];
const DeliveryAttemptRef = builder.objectRef<Attempt>('WebhookDeliveryAttempt').implement({
  fields: (t) => ({
    attempt: t.exposeInt('attempt'),
    url: t.exposeString('url'),
    statusCode: t.exposeInt('statusCode', { nullable: true }),
    durationMs: t.exposeInt('durationMs'),
    success: t.exposeBoolean('success'),
    error: t.exposeString('error', { nullable: true }),
    nextRetryAt: t.field({ type: 'DateTime', nullable: true, resolve: (attempt) => attempt.nextRetryAt }),
    attemptedAt: t.field({ type: 'DateTime', resolve: (attempt) => attempt.attemptedAt }),
  }),
});

const WebhookDeliveryRef = builder.objectRef<WebhookDeliveryView>('WebhookDelivery').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The webhook-id of every attempt and replay' }),
    endpointId: t.exposeID('endpointId'),
    callId: t.exposeID('callId', { nullable: true }),
    eventType: t.exposeString('eventType'),
    state: t.field({ type: DeliveryStateEnum, resolve: (delivery) => delivery.state }),
    payload: t.field({ type: 'JSON', resolve: (delivery) => delivery.payload }),
    createdAt: t.field({ type: 'DateTime', resolve: (delivery) => delivery.createdAt }),
    attempts: t.field({ type: [DeliveryAttemptRef], resolve: (delivery) => delivery.attempts }),
  }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.field({
    type: [WebhookEndpointRef],
    resolve: async (_root, _args, ctx) => (await runOperation(webhooks.list, ctx, undefined)).endpoints,
  }),
);

builder.queryField('webhookDeliveries', (t) =>
  t.field({
    type: [WebhookDeliveryRef],
    description:
      "Deliveries of one of the caller's endpoints (`endpointId`) or about one call (`callId`), newest first",
    args: { endpointId: t.arg.id(), callId: t.arg.id(), limit: t.arg.int() },
    resolve: async (_root, args, ctx) => {
      const input = withoutNulls({ limit: args.limit });
      if (args.endpointId)
        return (await runOperation(webhooks.deliveries, ctx, { ...input, id: String(args.endpointId) })).deliveries;
      return (
        await runOperation(webhooks.callDeliveries, ctx, {
          ...input,
          id: args.callId === null || args.callId === undefined ? undefined : String(args.callId),
        })
      ).deliveries;
    },
  }),
);

builder.mutationField('createWebhookEndpoint', (t) =>
  t.field({
    type: WebhookEndpointRef,
    args: {
      url: t.arg.string({ required: true }),
      eventTypes: t.arg({ type: [WebhookEventTypeEnum], required: true }),
      description: t.arg.string(),
    },
    resolve: (_root, args, ctx) => runOperation(webhooks.create, ctx, withoutNulls(args)),
  }),
);

builder.mutationField('updateWebhookEndpoint', (t) =>
  t.field({
    type: WebhookEndpointRef,
    args: {
      id: t.arg.id({ required: true }),
      url: t.arg.string(),
      eventTypes: t.arg({ type: [WebhookEventTypeEnum] }),
      description: t.arg.string(),
      enabled: t.arg.boolean(),
    },
    resolve: (_root, args, ctx) => runOperation(webhooks.update, ctx, { ...withoutNulls(args), id: String(args.id) }),
  }),
);

builder.mutationField('rotateWebhookSecret', (t) =>
  t.field({
    type: WebhookEndpointRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => runOperation(webhooks.rotateSecret, ctx, { id: String(args.id) }),
  }),
);
builder.mutationField('sendTestWebhook', (t) =>
  t.field({
    type: WebhookDeliveryRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => runOperation(webhooks.sendTest, ctx, { id: String(args.id) }),
  }),
);
builder.mutationField('replayWebhookDelivery', (t) =>
  t.field({
    type: WebhookDeliveryRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => runOperation(webhooks.replay, ctx, { id: String(args.id) }),
  }),
);
builder.mutationField('deleteWebhookEndpoint', (t) =>
  t.boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => (await runOperation(webhooks.delete, ctx, { id: String(args.id) }), true),
  }),
);
