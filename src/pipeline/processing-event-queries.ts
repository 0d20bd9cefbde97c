import { randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
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

/** Appends one event; the caller holds its call against deletion (`holdCallRow`). */
export async function insertProcessingEvent(em: Em, event: ProcessingEventRow): Promise<void> {
  await em.execute(
    `insert into call_processing_events (id, call_id, user_id, stage, status, provider, duration_ms, error_code, error_message, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp())`,
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
}
