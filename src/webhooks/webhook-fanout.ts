import type { Em } from '../db/orm.ts';
import { readEvents } from '../events/call-event-queries.ts';
import { isAfter, type CallEvent, type LogPosition } from '../events/call-events.ts';
import { insertDeliveries, type NewDelivery } from './webhook-delivery-queries.ts';
import { listeningEndpoints, type ListeningEndpoint } from './webhook-endpoint-queries.ts';
import { moveFanout, takeFanout } from './webhook-fanout-queries.ts';
import { payloadOf, WEBHOOK_SOURCE_KINDS, webhookEventsOf } from './webhook-events.ts';

const BATCH = 500;

export interface FanoutPass {
  /** A full batch was read: more may be waiting. */
  more: boolean;
  /** Deliveries queued, for the dispatcher to start. */
  queued: number;
  /** Where the log's horizon stood: an event of a transaction at or past it is read by a later pass. */
  horizon: LogPosition;
}

/**
 * One pass of the webhooks' fan-out: the call events after its cursor,
 * turned into one delivery per (webhook event, enabled endpoint of the user
 * that asked for it and existed when it happened), queued in the
 * transaction that moves the cursor, so a crash either queues them and
 * moves on, or does neither. One pass at a time across processes.
 */
export async function fanOutOnce(em: Em): Promise<FanoutPass> {
  return em.transactional(async (tx) => {
    const after = await takeFanout(tx);
    const { events, horizon } = await readEvents(tx, { kinds: WEBHOOK_SOURCE_KINDS }, { after, limit: BATCH });
    const endpoints = await listeningEndpoints(tx, [...new Set(events.map((event) => event.userId))]);
    const deliveries = deliveriesOf(events, endpoints);
    await insertDeliveries(tx, deliveries);
    const last = events.at(-1) ?? after;
    // With nothing more to read, the cursor moves up to the horizon: the next pass starts from there.
    const to = events.length < BATCH && isAfter(horizon, last) ? horizon : last;
    if (isAfter(to, after)) await moveFanout(tx, { txid: to.txid, seq: to.seq });
    return { more: events.length === BATCH, queued: deliveries.length, horizon };
  });
}

/** Each event's deliveries, in log order. */
export function deliveriesOf(events: readonly CallEvent[], endpoints: readonly ListeningEndpoint[]): NewDelivery[] {
  const byUser = Map.groupBy(endpoints, (endpoint) => endpoint.userId);
  return events.flatMap((event) =>
    webhookEventsOf(event).flatMap(({ type, data }) =>
      (byUser.get(event.userId) ?? [])
        .filter((endpoint) => endpoint.eventTypes.includes(type) && endpoint.createdAt <= event.occurredAt)
        .map((endpoint) => ({
          endpointId: endpoint.id,
          userId: event.userId,
          callId: event.callId,
          payload: payloadOf(type, event.occurredAt, data),
        })),
    ),
  );
}
