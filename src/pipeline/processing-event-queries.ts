import { randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import type { StageState } from '../events/call-events.ts';

/** `ProcessingStage` names from the contract, in pipeline order. */
export type ProcessingStage =
  | 'AUDIO_PREPROCESSED'
  | 'DIARIZED'
  | 'TRANSCRIBED'
  | 'VOICE_MATCH'
  | 'TRANSCRIPT_ALIGNED'
  | 'TRANSCRIPT_NORMALIZED'
  | 'SPEAKER_REFINED'
  | 'ANALYZED'
  | 'ACTION_ITEMS_EXTRACTED';

export type StageStatus = StageState;

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
    `insert into call_processing_events
       (id, call_id, user_id, stage, status, provider, duration_ms, error_code, error_message, created_at)
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
