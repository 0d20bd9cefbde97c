import { randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import { isForeignKeyViolation } from '../db/sql-errors.ts';
import type { ProcessingStage, StageStatus } from './processing-events.ts';

/**
 * Every statement on `call_processing_events`, and no other file issues one.
 * SQL: the log is append-only, one insert per stage transition, never loaded
 * as entities.
 */

export interface ProcessingEventRow {
  callId: string;
  userId: string;
  stage: ProcessingStage;
  status: StageStatus;
  provider: string | null;
  durationMs: number | null;
  errorCode: string | null;
  /** Already sanitized: no personal data reaches the table. */
  errorMessage: string | null;
}

/** Appends one event and returns its id and time; an event of a call deleted meanwhile is dropped with its call. */
export async function insertProcessingEvent(
  em: Em,
  event: ProcessingEventRow,
): Promise<{ id: string; at: Date } | undefined> {
  try {
    const rows = await em.execute<{ id: string; created_at: Date }[]>(
      `insert into call_processing_events (id, call_id, user_id, stage, status, provider, duration_ms, error_code, error_message, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp()) returning id, created_at`,
      [
        randomUUID(),
        event.callId,
        event.userId,
        event.stage,
        event.status,
        event.provider,
        event.durationMs,
        event.errorCode,
        event.errorMessage,
      ],
    );
    return { id: rows[0]!.id, at: new Date(rows[0]!.created_at) };
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
    return undefined;
  }
}

export interface StageEventRow {
  id: string;
  callId: string;
  stage: ProcessingStage;
  status: StageStatus;
  at: Date;
}

/**
 * The stage events of the user's `callIds` in the order they happened, after
 * the event `afterId` when given (one of another call, or unknown, means
 * from the start).
 */
export async function stageEventsOf(
  em: Em,
  userId: string,
  callIds: readonly string[],
  afterId: string | undefined,
): Promise<StageEventRow[]> {
  const after = afterId
    ? 'and (created_at, id) > (select created_at, id from call_processing_events where id = ? and user_id = ?)'
    : '';
  const rows = await em.execute<
    { id: string; call_id: string; stage: ProcessingStage; status: StageStatus; created_at: Date }[]
  >(
    `select id, call_id, stage, status, created_at from call_processing_events
      where user_id = ? and call_id in (?) ${after} order by created_at, id`,
    [userId, [...callIds], ...(afterId ? [afterId, userId] : [])],
  );
  return rows.map((row) => ({
    id: row.id,
    callId: row.call_id,
    stage: row.stage,
    status: row.status,
    at: new Date(row.created_at),
  }));
}
