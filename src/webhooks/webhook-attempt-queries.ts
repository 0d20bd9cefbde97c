import type { Em } from '../db/orm.ts';

/** Every statement on `webhook_attempts`, and no other file issues one: the delivery log's lines. */

export interface AttemptRow {
  deliveryId: string;
  attempt: number;
  url: string;
  statusCode: number | null;
  durationMs: number;
  success: boolean;
  error: string | null;
  nextRetryAt: Date | null;
  attemptedAt: Date;
}

const COLUMNS =
  'delivery_id as "deliveryId", attempt, url, status_code as "statusCode", duration_ms as "durationMs", ' +
  'success, error, next_retry_at as "nextRetryAt", attempted_at as "attemptedAt"';

/** Numbered after the delivery's last attempt, so a replay continues its log. */
export async function recordAttempt(em: Em, row: Omit<AttemptRow, 'attempt' | 'attemptedAt'>): Promise<number> {
  const rows = await em.execute<{ attempt: number }[]>(
    `insert into webhook_attempts (delivery_id, attempt, url, status_code, duration_ms, success, error, next_retry_at)
       select ?, coalesce(max(attempt), 0) + 1, ?, ?, ?, ?, ?, ? from webhook_attempts where delivery_id = ?
     returning attempt`,
    [row.deliveryId, row.url, row.statusCode, row.durationMs, row.success, row.error, row.nextRetryAt, row.deliveryId],
  );
  return rows[0]!.attempt;
}

export async function attemptsOf(em: Em, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  const placeholders = deliveryIds.map(() => '?').join(', ');
  return em.execute<AttemptRow[]>(
    `select ${COLUMNS} from webhook_attempts where delivery_id in (${placeholders}) order by delivery_id, attempt`,
    deliveryIds,
  );
}
