import { holdCallRow } from '../calls/records/pipeline-writes.ts';
import type { Em } from '../db/orm.ts';
import { resumePosition, type CallEventFollower, type StreamCaller } from '../events/call-event-follower.ts';
import { appendCallEvent } from '../events/call-event-queries.ts';
import { eventIdOf, type CallEventOf, type StageState } from '../events/call-events.ts';
import { sanitizeForLog } from '../observability/logger.ts';
import { insertProcessingEvent, type ProcessingStage, type StageStatus } from './processing-event-queries.ts';

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
 * One `call_processing_events` row per stage transition (the call's
 * timeline), and its progress on the call event log in the same transaction
 * (live progress), written on their own, never inside a stage's
 * transaction, so a failure is recorded even when the stage's own work rolls
 * back. Messages are sanitized: no PII reaches the table.
 */
export async function recordStageEvent(em: Em, event: StageEvent): Promise<void> {
  await em.transactional(async (tx) => {
    // An event of a call deleted meanwhile goes with its call.
    if (!(await holdCallRow(tx, event.callId))) return;
    await insertProcessingEvent(tx, {
      callId: event.callId,
      userId: event.userId,
      stage: event.stage,
      status: event.status,
      provider: event.provider ?? null,
      durationMs: event.durationMs ?? null,
      errorCode: event.errorCode ?? null,
      errorMessage: event.errorMessage ? sanitizeForLog(event.errorMessage).slice(0, 500) : null,
    });
    await appendCallEvent(tx, {
      userId: event.userId,
      callId: event.callId,
      kind: 'call.progress',
      data: { stage: event.stage, state: event.status },
    });
  });
}

/** A pipeline stage of a call started, completed, was skipped or failed; `id` resumes a stream after it. */
export interface StageProgressEvent {
  id: string;
  callId: string;
  userId: string;
  stage: string;
  state: StageState;
  at: string;
}

export interface ProgressRequest extends StreamCaller {
  callIds: readonly string[];
  /** Resume after this event; absent (or an id the log does not hold) means from the calls' first stage. */
  lastEventId?: string | null | undefined;
}

/**
 * Each pipeline stage of the given calls as it starts, completes, is skipped
 * or fails, in order, from the call event log: what happened before the
 * stream opened (after `lastEventId` when resuming), then live.
 */
export function stageProgress(deps: { fork: () => Em; follower: CallEventFollower }, request: ProgressRequest) {
  return deps.follower.stream<StageProgressEvent>(request, {
    filter: { callIds: request.callIds, kinds: ['call.progress'] },
    start: async () => ({
      first: [],
      after: (await resumePosition(deps.fork(), request.userId, request.lastEventId)) ?? { txid: '0', seq: 0 },
    }),
    map: (event) => toProgress(event as CallEventOf<'call.progress'>),
  });
}

function toProgress(event: CallEventOf<'call.progress'>): StageProgressEvent {
  return {
    id: eventIdOf(event),
    callId: event.callId,
    userId: event.userId,
    stage: event.data.stage,
    state: event.data.state,
    at: event.occurredAt.toISOString(),
  };
}

/** The processing-event log as the stages write it. */
export function createProcessingEventLog(fork: () => Em) {
  return { record: (event: StageEvent) => recordStageEvent(fork(), event) };
}

export type ProcessingEventLog = ReturnType<typeof createProcessingEventLog>;
