import type { Em } from '../db/orm.ts';
import type { SignalBus } from '../events/signal-bus.ts';
import type { Logger } from '../observability/logger.ts';
import { claimUndispatched, markDispatched, releaseClaims, type DeliveryRow } from './webhook-delivery-queries.ts';
import { WEBHOOK_SOURCE_KINDS } from './webhook-events.ts';
import { fanOutOnce } from './webhook-fanout.ts';

type RunOf = Pick<DeliveryRow, 'id' | 'eventType' | 'endpointId' | 'userId' | 'callId'>;

/**
 * The port a delivery's durable run is reached through (a Temporal workflow
 * per delivery: src/pipeline/webhook-delivery/delivery-runs.ts).
 */
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
const DEFAULT_PER_USER_PER_PASS = 20;

export interface WebhookDispatcher {
  /**
   * Fans out every call event readable now and starts every delivery enqueued
   * so far; resolves when none is left (tests and shutdown).
   */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface DispatcherDeps {
  fork: () => Em;
  runs: DeliveryRuns;
  bus: Pick<SignalBus, 'onCallEvents' | 'onDeliveriesQueued' | 'onReconnect'>;
  logger: Logger;
  pollMs?: number;
  /** Starts of one user's deliveries in one pass, so one user's burst cannot hold everyone else's back. */
  perUserPerPass?: number;
}

/**
 * Turns the call event log into deliveries (webhook-fanout.ts) and starts a
 * run for each: at once when the bus says the log grew or a delivery was
 * queued, and every `pollMs` in case a signal was missed (a dropped
 * listener, a crash between the commit and the start).
 * Each pass claims its rows in a statement of its own and starts their runs
 * with no transaction open, so no other request waits on Temporal (on the
 * embedded database, one open transaction holds every other statement). A
 * start that fails gives its row back for the next pass; a crash between the
 * claim and the start leaves a claim that lapses, and the run's id makes the
 * second start a no-op.
 */
export function startWebhookDispatcher(deps: DispatcherDeps): WebhookDispatcher {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const perUser = deps.perUserPerPass ?? DEFAULT_PER_USER_PER_PASS;
  /** The newest transaction a wake-up named: fan-out goes on until the log's horizon has passed it. */
  let awaited = 0n;
  let retry: NodeJS.Timeout | undefined;

  /**
   * Fans out until the log is read up to its horizon; retries shortly while a
   * named transaction is not readable yet.
   */
  const fanOut = async () => {
    for (;;) {
      const pass = await fanOutOnce(deps.fork());
      if (pass.more) continue;
      if (BigInt(pass.horizon.txid) <= awaited && !retry && !closed) {
        // An older transaction is still running: the event it waits behind becomes readable when that one ends.
        retry = setTimeout(() => {
          retry = undefined;
          void kick();
        }, 20);
        retry.unref();
      }
      return;
    }
  };

  /** One pass; how many rows it claimed. A failed start ends the passes until the next kick, rather than spinning. */
  const dispatchBatch = async (): Promise<number> => {
    const em = deps.fork();
    const claimed = await claimUndispatched(em, BATCH, perUser);
    const outcomes = await Promise.allSettled(claimed.map((delivery) => deps.runs.start(delivery)));
    const idsWhere = (status: PromiseSettledResult<void>['status']) =>
      claimed.filter((_, index) => outcomes[index]!.status === status).map((delivery) => delivery.id);
    const [started, failed] = [idsWhere('fulfilled'), idsWhere('rejected')];
    await markDispatched(em, started);
    await releaseClaims(em, failed);
    const firstFailure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (firstFailure) throw firstFailure.reason;
    return claimed.length;
  };

  const dispatchAll = async () => {
    do {
      again = false;
      await fanOut();
      // Passes follow each other while they find work: a user's backlog goes out perUser at a time,
      // in turn with everyone else's.
      while (!closed && (await dispatchBatch()) > 0);
    } while (again && !closed);
  };

  const kick = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = dispatchAll()
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'webhook deliveries could not be dispatched; the next poll tries again'),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const sources: readonly string[] = WEBHOOK_SOURCE_KINDS;
  const unsubscribe = [
    deps.bus.onCallEvents((appended) => {
      if (!sources.includes(appended.event)) return;
      const txid = BigInt(appended.txid);
      if (txid > awaited) awaited = txid;
      void kick();
    }),
    deps.bus.onDeliveriesQueued(() => void kick()),
    deps.bus.onReconnect(() => void kick()),
  ];
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
      clearTimeout(retry);
      for (const stop of unsubscribe) stop();
      await running;
    },
  };
}
