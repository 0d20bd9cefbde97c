import { randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import { sanitizeForLog } from '../observability/logger.ts';

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

export type StageStatus = 'STARTED' | 'COMPLETED' | 'FAILED' | 'SKIPPED';

export interface StageEvent {
  callId: string;
  userId: string;
  stage: ProcessingStage;
  status: StageStatus;
  provider?: string | null;
  durationMs?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
}

/**
 * One `call_processing_events` row per stage transition, written on its own
 * (never inside a stage's transaction) so a failure is recorded even when the
 * stage's own work rolls back. Messages are sanitized: no PII reaches the table.
 */
export async function recordStageEvent(em: Em, event: StageEvent): Promise<void> {
  await em.getConnection().execute(
    `insert into call_processing_events (id, call_id, user_id, stage, status, provider, duration_ms, error_code, error_message, created_at)
     select ?, c.id, c.user_id, ?, ?, ?, ?, ?, ?, now() from call_records c where c.id = ?`,
    [
      randomUUID(),
      event.stage,
      event.status,
      event.provider ?? null,
      event.durationMs ?? null,
      event.errorCode ?? null,
      event.errorMessage ? sanitizeForLog(event.errorMessage).slice(0, 500) : null,
      event.callId,
    ],
  );
}
