import { deleteInChunks } from '../db/chunked-delete.ts';
import type { Em } from '../db/orm.ts';
import type { DeliveryState, WebhookPayload } from './webhook-events.ts';

/**
 * Every statement on `webhook_deliveries`, and no other file issues one.
 * SQL: the table has no entity, and the dispatcher claims rows with SKIP
 * LOCKED.
 */

export interface DeliveryRow {
  id: string;
  endpointId: string;
  userId: string;
  callId: string | null;
  eventType: string;
  payload: WebhookPayload;
  state: DeliveryState;
  createdAt: Date;
}

const COLUMNS =
  'id, endpoint_id as "endpointId", user_id as "userId", call_id as "callId", ' +
  'event_type as "eventType", payload, state, created_at as "createdAt"';

/** How long a claim holds: a dispatcher that died between its claim and its starts loses the rows after this. */
const CLAIM_LEASE_SECONDS = 300;
/** Not dispatched, and not claimed by a pass still within its lease; `alias` names the table. */
const claimable = (alias: string) =>
  `${alias}.dispatched_at is null
   and (${alias}.claimed_at is null or ${alias}.claimed_at < now() - ? * interval '1 second')`;

/**
 * Claims deliveries whose workflow was never started, in one statement that
 * commits at once: the starts that follow hold no transaction. At most
 * `perUser` of any one user, taken in turns (every user's oldest first), so
 * one user's burst cannot fill a pass. Rows another dispatcher is claiming
 * are skipped, not waited for. A suspended or disabled account's deliveries
 * are not claimed: they wait until the account is active again.
 */
export async function claimUndispatched(em: Em, limit: number, perUser: number): Promise<DeliveryRow[]> {
  return em.execute<DeliveryRow[]>(
    `with ranked as (
       select id, created_at, row_number() over (partition by user_id order by created_at, id) as turn
         from webhook_deliveries w where ${claimable('w')} and account_is_active(w.user_id)
     ), picked as (
       select d.id from webhook_deliveries d join ranked r on r.id = d.id
        where r.turn <= ? and ${claimable('d')}
        order by r.turn, r.created_at limit ? for update of d skip locked
     )
     update webhook_deliveries set claimed_at = now() where id in (select id from picked) returning ${COLUMNS}`,
    [CLAIM_LEASE_SECONDS, perUser, CLAIM_LEASE_SECONDS, limit],
  );
}

/** Deliveries whose run has started: never claimed again. */
export async function markDispatched(em: Em, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await em.execute(`update webhook_deliveries set dispatched_at = now() where id in (${placeholders(ids)})`, ids);
}

/** Claims whose start failed, given back for the next pass. */
export async function releaseClaims(em: Em, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await em.execute(
    `update webhook_deliveries set claimed_at = null where dispatched_at is null and id in (${placeholders(ids)})`,
    ids,
  );
}

const placeholders = (ids: string[]) => ids.map(() => '?').join(', ');

type AttemptedDelivery = DeliveryRow & { accountActive: boolean };

/** For an attempt, which acts for no request's user: whether the owner's account is active comes with it. */
export async function deliveryById(em: Em, id: string): Promise<AttemptedDelivery | undefined> {
  const rows = await em.execute<AttemptedDelivery[]>(
    `select ${COLUMNS}, account_is_active(user_id) as "accountActive" from webhook_deliveries where id = ?`,
    [id],
  );
  return rows[0];
}

export async function deliveryOf(em: Em, userId: string, id: string): Promise<DeliveryRow | undefined> {
  const rows = await em.execute<DeliveryRow[]>(
    `select ${COLUMNS} from webhook_deliveries where id = ? and user_id = ?`,
    [id, userId],
  );
  return rows[0];
}

export interface NewDelivery {
  endpointId: string;
  userId: string;
  callId: string | null;
  payload: WebhookPayload;
}

/** Deliveries the fan-out made of the call event log, in one statement however many. */
export async function insertDeliveries(em: Em, rows: readonly NewDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  const records = rows.map((row) => ({
    endpoint_id: row.endpointId,
    user_id: row.userId,
    call_id: row.callId,
    event_type: row.payload.type,
    payload: row.payload,
  }));
  await em.execute(
    `insert into webhook_deliveries (endpoint_id, user_id, call_id, event_type, payload)
     select endpoint_id, user_id, call_id, event_type, payload
       from jsonb_to_recordset(?::jsonb)
         as r(endpoint_id uuid, user_id uuid, call_id uuid, event_type text, payload jsonb)`,
    [JSON.stringify(records)],
  );
}

/** A delivery enqueued by code (a test event), for the dispatcher like those of the fan-out. */
export async function insertDelivery(
  em: Em,
  row: { endpointId: string; userId: string; payload: WebhookPayload },
): Promise<DeliveryRow> {
  const rows = await em.execute<DeliveryRow[]>(
    `insert into webhook_deliveries (endpoint_id, user_id, event_type, payload) values (?, ?, ?, ?::jsonb)
     returning ${COLUMNS}`,
    [row.endpointId, row.userId, row.payload.type, JSON.stringify(row.payload)],
  );
  return rows[0]!;
}

/** The newest deliveries first, at most `limit`; the endpoint's or the call's. */
export async function deliveriesOf(
  em: Em,
  userId: string,
  of: { endpointId: string } | { callId: string },
  limit: number,
): Promise<DeliveryRow[]> {
  const [column, value] = 'endpointId' in of ? ['endpoint_id', of.endpointId] : ['call_id', of.callId];
  return em.execute<DeliveryRow[]>(
    `select ${COLUMNS} from webhook_deliveries where user_id = ? and ${column} = ?
      order by created_at desc, id desc limit ?`,
    [userId, value, limit],
  );
}

export async function setDeliveryState(em: Em, id: string, state: DeliveryState): Promise<void> {
  await em.execute(`update webhook_deliveries set state = ?, updated_at = now() where id = ?`, [state, id]);
}

/**
 * Puts back a verdict a replay set aside, unless an attempt has given one
 * since (the delivery is no longer PENDING).
 */
export async function restoreDeliveryState(em: Em, id: string, state: DeliveryState): Promise<void> {
  await em.execute(`update webhook_deliveries set state = ?, updated_at = now() where id = ? and state = 'PENDING'`, [
    state,
    id,
  ]);
}

/**
 * Deliveries in flight: `undispatched` (no run started yet: the dispatcher's
 * backlog) and `retrying` (a run is on them).
 */
export async function countInFlight(em: Em): Promise<{ undispatched: number; retrying: number }> {
  const rows = await em.execute<{ undispatched: number; retrying: number }[]>(
    `select count(*) filter (where dispatched_at is null)::int as undispatched,
            count(*) filter (where dispatched_at is not null)::int as retrying
       from webhook_deliveries where state = 'PENDING'`,
  );
  return { undispatched: Number(rows[0]!.undispatched), retrying: Number(rows[0]!.retrying) };
}

/** Deliveries (and, by cascade, their attempts) older than `days`, `chunk` at a time. */
export async function pruneDeliveries(em: Em, days: number, chunk = 10_000): Promise<number> {
  return deleteInChunks(
    em,
    `with gone as (delete from webhook_deliveries
                    where id in (select id from webhook_deliveries
                                  where created_at < now() - (? * interval '1 day') limit ?)
                returning 1)
     select count(*)::int as count from gone`,
    [days],
    chunk,
  );
}
