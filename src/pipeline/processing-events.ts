import type { Em } from '../db/orm.ts';
import { sanitizeForLog } from '../observability/logger.ts';
import { insertProcessingEvent } from './processing-event-queries.ts';

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
  await insertProcessingEvent(em, {
    callId: event.callId,
    userId: event.userId,
    stage: event.stage,
    status: event.status,
    provider: event.provider ?? null,
    durationMs: event.durationMs ?? null,
    errorCode: event.errorCode ?? null,
    errorMessage: event.errorMessage ? sanitizeForLog(event.errorMessage).slice(0, 500) : null,
  });
}

/** The processing-event log as the stages write it. */
export function createProcessingEventLog(fork: () => Em) {
  return { record: (event: StageEvent) => recordStageEvent(fork(), event) };
}

export type ProcessingEventLog = ReturnType<typeof createProcessingEventLog>;
