import type { Em } from '../db/orm.ts';

/**
 * Every statement on `webhook_endpoints`, and no other file issues one. SQL
 * rather than the ORM: the table has no entity (its event types are a text
 * array the delivery triggers match with `= any`).
 */

export interface EndpointRow {
  id: string;
  userId: string;
  url: string;
  eventTypes: string[];
  secret: string;
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS =
  'id, user_id as "userId", url, event_types as "eventTypes", secret, description, enabled, ' +
  'disabled_reason as "disabledReason", created_at as "createdAt", updated_at as "updatedAt"';

/**
 * Inserts the endpoint unless its user already has `limit`. Creates of one
 * user take turns on a transaction lock, so creates sent at once cannot all
 * pass the count.
 */
export async function insertEndpointWithin(
  em: Em,
  limit: number,
  row: Pick<EndpointRow, 'id' | 'userId' | 'url' | 'eventTypes' | 'secret' | 'description'>,
): Promise<EndpointRow | undefined> {
  return em.transactional(async (tx) => {
    await tx.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`webhook_endpoints:${row.userId}`]);
    const rows = await tx.execute<EndpointRow[]>(
      `insert into webhook_endpoints (id, user_id, url, event_types, secret, description)
        select ?, ?, ?, ?::text[], ?, ? where (select count(*) from webhook_endpoints where user_id = ?) < ?
        returning ${COLUMNS}`,
      [row.id, row.userId, row.url, toTextArray(row.eventTypes), row.secret, row.description, row.userId, limit],
    );
    return rows[0];
  });
}

export async function endpointsOf(em: Em, userId: string): Promise<EndpointRow[]> {
  return em.execute<EndpointRow[]>(
    `select ${COLUMNS} from webhook_endpoints where user_id = ? order by created_at, id`,
    [userId],
  );
}

/** The endpoint, for its owner only: another user's id reads as missing. */
export async function endpointOf(em: Em, userId: string, id: string): Promise<EndpointRow | undefined> {
  const rows = await em.execute<EndpointRow[]>(
    `select ${COLUMNS} from webhook_endpoints where id = ? and user_id = ?`,
    [id, userId],
  );
  return rows[0];
}

/** For a delivery attempt, which acts for no request's user. */
export async function endpointById(em: Em, id: string): Promise<EndpointRow | undefined> {
  const rows = await em.execute<EndpointRow[]>(`select ${COLUMNS} from webhook_endpoints where id = ?`, [id]);
  return rows[0];
}

export interface EndpointChanges {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  enabled?: boolean;
  secret?: string;
}

/** Applies the given fields; enabling clears the reason it was disabled. Undefined when it is not the user's. */
export async function updateEndpoint(
  em: Em,
  userId: string,
  id: string,
  changes: EndpointChanges,
): Promise<EndpointRow | undefined> {
  const rows = await em.execute<EndpointRow[]>(
    `update webhook_endpoints set
        url = coalesce(?, url),
        event_types = coalesce(?::text[], event_types),
        description = case when ? then ? else description end,
        enabled = coalesce(?, enabled),
        disabled_reason = case when ? then ? else disabled_reason end,
        secret = coalesce(?, secret),
        updated_at = now()
      where id = ? and user_id = ? returning ${COLUMNS}`,
    [
      changes.url ?? null,
      changes.eventTypes ? toTextArray(changes.eventTypes) : null,
      changes.description !== undefined,
      changes.description ?? null,
      changes.enabled ?? null,
      changes.enabled !== undefined,
      changes.enabled === false ? 'disabled by its owner' : null,
      changes.secret ?? null,
      id,
      userId,
    ],
  );
  return rows[0];
}

/** An endpoint that answered 410 Gone: it receives nothing more until its owner enables it again. */
export async function disableEndpoint(em: Em, id: string, reason: string): Promise<void> {
  await em.execute(
    `update webhook_endpoints set enabled = false, disabled_reason = ?, updated_at = now() where id = ?`,
    [reason, id],
  );
}

export async function deleteEndpoint(em: Em, userId: string, id: string): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `delete from webhook_endpoints where id = ? and user_id = ? returning id`,
    [id, userId],
  );
  return rows.length > 0;
}

/** A PostgreSQL array literal; the values are our own event type names, but quoted all the same. */
function toTextArray(values: string[]): string {
  return `{${values.map((value) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

export interface ListeningEndpoint {
  id: string;
  userId: string;
  eventTypes: string[];
  createdAt: Date;
}

/** The enabled endpoints of these users: where their events may go. */
export async function listeningEndpoints(em: Em, userIds: readonly string[]): Promise<ListeningEndpoint[]> {
  if (userIds.length === 0) return [];
  const rows = await em.execute<ListeningEndpoint[]>(
    `select id, user_id as "userId", event_types as "eventTypes", created_at as "createdAt"
       from webhook_endpoints where enabled and user_id in (?)`,
    [[...userIds]],
  );
  return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
}
