import { Webhook } from 'standardwebhooks';
import type { Em } from '../db/orm.ts';
import { OutboundAddressError, resolveTarget, type OutboundPolicy } from './outbound-address.ts';
import { retryDelayMs, verdictOf, type AttemptVerdict, type RetrySchedule } from './retry-policy.ts';
import { recordAttempt } from './webhook-attempt-queries.ts';
import { deliveryById, setDeliveryState, type DeliveryRow } from './webhook-delivery-queries.ts';
import { disableEndpoint, endpointById } from './webhook-endpoint-queries.ts';
import { sendWebhook, type SendResult } from './webhook-sender.ts';
import type { DeliveryState } from './webhook-events.ts';

export interface DeliveryDeps {
  fork: () => Em;
  policy: OutboundPolicy & { timeoutMs: number };
  schedule: RetrySchedule;
}

/**
 * One attempt of a delivery: its number in its retry window (the next delay
 * grows with it), and when the window opened (null: this attempt opens it).
 */
export interface AttemptInput {
  deliveryId: string;
  attempt: number;
  windowStartMs: number | null;
}

/** What the delivery's workflow does next: sleep `retryInMs` and attempt again, or stop (null). */
export interface AttemptOutcome {
  state: DeliveryState;
  retryInMs: number | null;
  windowStartMs: number;
}

/**
 * Signs and sends the delivery once, per the Standard Webhooks specification
 * (`webhook-id` is the delivery's id, the same on every attempt and replay,
 * so a receiver de-duplicates by it), and writes the attempt to the log with
 * its verdict and when the next one is due.
 */
export async function attemptDelivery(deps: DeliveryDeps, input: AttemptInput): Promise<AttemptOutcome> {
  const em = deps.fork();
  const windowStartMs = input.windowStartMs ?? Date.now();
  const delivery = await deliveryById(em, input.deliveryId);
  // Pruned, or its endpoint was deleted (the delivery went with it).
  if (!delivery) return { state: 'FAILED', retryInMs: null, windowStartMs };
  // A suspended or disabled account sends nothing; its owner can replay the delivery once it is active again.
  if (!delivery.accountActive) return finish(em, delivery, 'FAILED', windowStartMs);
  const endpoint = await endpointById(em, delivery.endpointId);
  if (!endpoint?.enabled) return finish(em, delivery, 'FAILED', windowStartMs);

  const result = await sendSigned(deps, delivery, endpoint.url, endpoint.secret);
  const verdict = result.refused ? 'refused' : verdictOf(result);
  const retryInMs =
    verdict === 'retry' ? nextRetryIn(deps.schedule, input.attempt, windowStartMs, result.retryAfter) : null;
  await recordAttempt(em, {
    deliveryId: delivery.id,
    url: endpoint.url,
    statusCode: result.statusCode ?? null,
    durationMs: result.durationMs,
    success: verdict === 'delivered',
    error: errorOf(verdict, result),
    nextRetryAt: retryInMs === null ? null : new Date(Date.now() + retryInMs),
  });
  if (verdict === 'gone') await disableEndpoint(em, endpoint.id, 'the endpoint answered 410 Gone');
  if (retryInMs !== null) return { state: 'PENDING', retryInMs, windowStartMs };
  return finish(em, delivery, verdict === 'delivered' ? 'SUCCEEDED' : 'FAILED', windowStartMs);
}

/** What the attempt log says of a host that did not resolve (in time). */
const DNS_FAILED = 'dns_failed';

async function sendSigned(
  deps: DeliveryDeps,
  delivery: DeliveryRow,
  url: string,
  secret: string,
): Promise<SendResult & { refused?: boolean }> {
  const started = performance.now();
  try {
    // One budget for the whole attempt: the name's resolution is charged to it.
    const target = await resolveTarget(url, deps.policy, deps.policy.timeoutMs);
    const body = JSON.stringify(delivery.payload);
    const at = new Date();
    const headers = {
      'webhook-id': delivery.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(delivery.id, at, body),
    };
    return await sendWebhook(
      target,
      headers,
      body,
      Math.max(1, deps.policy.timeoutMs - Math.round(performance.now() - started)),
    );
  } catch (error) {
    if (!(error instanceof OutboundAddressError)) throw error;
    const durationMs = Math.round(performance.now() - started);
    // The owner's own name did not resolve: said as coarsely as a connection failure, without the resolver's code.
    if (error.retryable) return { error: DNS_FAILED, durationMs };
    return { error: `target refused: ${error.message}`, durationMs, refused: true };
  }
}

/** Null when the next retry would fall past the delivery's window: the delivery has failed. */
function nextRetryIn(
  schedule: RetrySchedule,
  retry: number,
  windowStartMs: number,
  retryAfter: string | undefined,
): number | null {
  const delay = retryDelayMs(retry, schedule, retryAfter);
  return Date.now() + delay > windowStartMs + schedule.windowMs ? null : delay;
}

function errorOf(verdict: AttemptVerdict, result: SendResult): string | null {
  if (verdict === 'delivered') return null;
  if (result.error) return result.error;
  if (verdict === 'gone') return 'HTTP 410: endpoint disabled';
  return `HTTP ${result.statusCode}`;
}

async function finish(
  em: Em,
  delivery: DeliveryRow,
  state: DeliveryState,
  windowStartMs: number,
): Promise<AttemptOutcome> {
  await setDeliveryState(em, delivery.id, state);
  return { state, retryInMs: null, windowStartMs };
}
