import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common/lib/search-attributes.js';
import { AppError } from '../../errors/app-error.ts';
import { isTransientTemporalError } from '../../errors/transient-temporal-error.ts';
import type { DeliveryRuns } from '../../webhooks/webhook-dispatcher.ts';

/** The delivery's workflow type, as workflows/index.ts registers it (workflows/webhook-delivery-workflow.ts). */
export const WEBHOOK_DELIVERY_WORKFLOW = 'webhookDeliveryWorkflow';

/** A webhook delivery's run, named after the event and the delivery (its `webhook-id`), as the Temporal UI lists it. */
export const webhookDeliveryWorkflowId = (delivery: { eventType: string; id: string }) =>
  `webhook-${delivery.eventType}-${delivery.id}`;

/** The signal that makes a delivery's run attempt again now; the workflow defines it by the same name. */
export const WEBHOOK_REPLAY_SIGNAL = 'replay';

/**
 * The queue of webhook attempts: its own worker slots, so a thousand slow
 * receivers never hold the pipeline's. The workflow spells the same suffix.
 */
export const webhookTaskQueue = (taskQueue: string) => `${taskQueue}-webhooks`;

/** The search attributes a delivery's run starts with (the pipeline's registration decides which the namespace has). */
export type DeliverySearchAttributes = (tags: {
  kind: 'webhook-delivery';
  callId?: string | undefined;
}) => SearchAttributePair[];

/**
 * Webhook delivery runs, one workflow per delivery. A first start refuses a
 * second run of the same delivery, running or closed, so a dispatcher that
 * crashed before marking its rows cannot deliver twice. A replay signals the
 * run, starting a new one if it has closed: a run still open, even one
 * settling its last attempt, attempts again rather than swallowing it.
 */
export function createDeliveryRuns(
  client: Client,
  taskQueue: string,
  searchAttributes: DeliverySearchAttributes,
): DeliveryRuns {
  const runOf = (delivery: Parameters<DeliveryRuns['start']>[0]) => ({
    workflowId: webhookDeliveryWorkflowId(delivery),
    taskQueue: webhookTaskQueue(taskQueue),
    args: [{ deliveryId: delivery.id }] as [{ deliveryId: string }],
    memo: {
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      userId: delivery.userId,
      ...(delivery.callId && { callId: delivery.callId }),
    },
    typedSearchAttributes: searchAttributes({ kind: 'webhook-delivery', callId: delivery.callId ?? undefined }),
  });
  return {
    async start(delivery) {
      try {
        await client.workflow.start(WEBHOOK_DELIVERY_WORKFLOW, {
          ...runOf(delivery),
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },
    async replay(delivery) {
      try {
        await client.workflow.signalWithStart(WEBHOOK_DELIVERY_WORKFLOW, {
          ...runOf(delivery),
          signal: WEBHOOK_REPLAY_SIGNAL,
          signalArgs: [],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        });
      } catch (error) {
        // The client's to retry, as an upload that finds Temporal away is: 503, not a masked 500.
        throw isTransientTemporalError(error) ? new AppError('service_unavailable') : error;
      }
    },
  };
}
