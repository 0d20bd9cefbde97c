import type { Em } from '../db/orm.ts';
import { sanitizeForLog } from '../observability/logger.ts';
import { publishStageProgress, type StageProgressEvent } from '../events/call-status-bus.ts';
import { insertProcessingEvent, stageEventsOf } from './processing-event-queries.ts';

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
 * stage's own work rolls back, then announced on the event bus for live
 * progress. Messages are sanitized: no PII reaches the table.
 */
export async function recordStageEvent(em: Em, event: StageEvent): Promise<void> {
  const recorded = await insertProcessingEvent(em, {
    callId: event.callId,
    userId: event.userId,
    stage: event.stage,
    status: event.status,
    provider: event.provider ?? null,
    durationMs: event.durationMs ?? null,
    errorCode: event.errorCode ?? null,
    errorMessage: event.errorMessage ? sanitizeForLog(event.errorMessage).slice(0, 500) : null,
  });
  if (recorded)
    await publishStageProgress(em, {
      ...recorded,
      callId: event.callId,
      userId: event.userId,
      stage: event.stage,
      state: event.status,
      at: recorded.at.toISOString(),
    });
}

/** A call's stage events so far, as live progress shows them: what a subscriber joining late (or resuming) is given first. */
export async function stageProgressOf(
  em: Em,
  userId: string,
  callIds: readonly string[],
  afterId: string | undefined,
): Promise<StageProgressEvent[]> {
  const rows = await stageEventsOf(em, userId, callIds, afterId);
  return rows.map((row) => ({
    id: row.id,
    callId: row.callId,
    userId,
    stage: row.stage,
    state: row.status,
    at: row.at.toISOString(),
  }));
}

/** The processing-event log as the stages write it. */
export function createProcessingEventLog(fork: () => Em) {
  return { record: (event: StageEvent) => recordStageEvent(fork(), event) };
}

export type ProcessingEventLog = ReturnType<typeof createProcessingEventLog>;
