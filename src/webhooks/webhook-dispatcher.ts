import type { Em } from '../db/orm.ts';
import type { CallStatusBus } from '../events/call-status-bus.ts';
import type { Logger } from '../observability/logger.ts';
import { claimUndispatched, markDispatched, type DeliveryRow } from './webhook-delivery-queries.ts';

type RunOf = Pick<DeliveryRow, 'id' | 'eventType' | 'endpointId' | 'userId' | 'callId'>;

/** The port a delivery's durable run is reached through (a Temporal workflow per delivery, in the pipeline's gateway). */
export interface DeliveryRuns {
  /** Starts the delivery's run; one that exists already, running or closed, is left alone. */
  start(delivery: RunOf): Promise<void>;
  /**
   * Makes the delivery's run attempt again at once, with a fresh retry window; a closed run is started anew.
   * Throws AppError `service_unavailable` when the runs cannot be reached, for the client to retry.
   */
  replay(delivery: RunOf): Promise<void>;
}

const BATCH = 200;

export interface WebhookDispatcher {
  /** Starts every delivery enqueued so far; resolves when none is left (tests and shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a run for every delivery the triggers enqueued: at once when the
 * bus says some were committed, and every `pollMs` in case a notice was
 * missed (a dropped listener, a crash between the commit and the start).
 * A run is started before its row is marked, in the claiming transaction,
 * so a crash in between starts it again, which the run's id makes a no-op.
 */
export function startWebhookDispatcher(deps: { fork: () => Em; runs: DeliveryRuns; bus: Pick<CallStatusBus, 'onWebhookDeliveries' | 'onReconnect'>; logger: Logger; pollMs?: number }): WebhookDispatcher {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const dispatchBatch = async (): Promise<number> =>
    deps.fork().transactional(async (tx) => {
      const claimed = await claimUndispatched(tx, BATCH);
      await Promise.all(claimed.map((delivery) => deps.runs.start(delivery)));
      await markDispatched(tx, claimed.map((delivery) => delivery.id));
      return claimed.length;
    });

  const dispatchAll = async () => {
    do {
      again = false;
      while (!closed && (await dispatchBatch()) === BATCH);
    } while (again && !closed);
  };

  const kick = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = dispatchAll()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'webhook deliveries could not be dispatched; the next poll tries again'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const unsubscribe = [deps.bus.onWebhookDeliveries(() => void kick()), deps.bus.onReconnect(() => void kick())];
  const poll = setInterval(() => void kick(), deps.pollMs ?? 5_000);
  poll.unref();
  void kick();

  return {
    async drain() {
      await kick();
      while (running) await running;
    },
    async close() {
      closed = true;
      clearInterval(poll);
      for (const stop of unsubscribe) stop();
      await running;
    },
  };
}
