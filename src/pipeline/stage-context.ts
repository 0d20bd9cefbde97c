import { Context } from '@temporalio/activity';
import type { PreprocessSettings } from '../audio/preprocess-audio.ts';
import type { CallDirection } from '../calls/call-record.entity.ts';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../observability/logger.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { CallArtifacts } from './call-artifacts.ts';
import { CallGoneError } from './call-artifacts.ts';
import { recordStageEvent, type ProcessingStage } from './processing-events.ts';
import type { AnalysisPort, DiarizationPort, TranscriptionPort } from './provider-ports.ts';
import type { CallWorkflowInput } from './workflow-ids.ts';

export interface PipelineSettings {
  preprocessing: PreprocessSettings & { enabled: boolean };
  ffprobePath: string;
  diarization: { maxAudioMinutes: number; hintTwoSpeakers: boolean; maxRetries: number };
  voice: { enabled: boolean; highThreshold: number; mediumThreshold: number };
  /** 'sandbox' when the providers are the in-process fakes (named in pipeline provenance). */
  providerMode: 'live' | 'sandbox';
}

export interface StageDeps {
  fork: () => Em;
  storage: ArtifactStore;
  artifacts: CallArtifacts;
  transcription: TranscriptionPort;
  diarization: DiarizationPort | undefined;
  analysis: AnalysisPort;
  voiceprintOf(userId: string): Promise<string | undefined>;
  settings: PipelineSettings;
  logger: Logger;
}

/** The call facts stages need; ids and metadata only, read fresh each time. */
export interface CallFacts {
  callId: string;
  userId: string;
  title: string | null;
  contactName: string | null;
  phoneNumber: string | null;
  organization: string | null;
  direction: CallDirection;
  recordedAt: Date;
  durationSeconds: number | null;
  audioFormat: string | null;
  userDisplayName: string | null;
}

export async function loadCallFacts(em: Em, input: CallWorkflowInput): Promise<CallFacts> {
  const rows = await em.getConnection().execute<
    {
      title: string | null;
      contact_name: string | null;
      phone_number: string | null;
      organization: string | null;
      direction: CallFacts['direction'];
      recorded_at: Date;
      duration_seconds: number | null;
      audio_format: string | null;
      display_name: string | null;
    }[]
  >(
    `select c.title, c.contact_name, c.phone_number, c.organization, c.direction, c.recorded_at, c.duration_seconds, c.audio_format, u.display_name
       from call_records c join users u on u.id = c.user_id where c.id = ? and c.user_id = ?`,
    [input.callId, input.userId],
  );
  const row = rows[0];
  if (!row) throw new CallGoneError(input.callId);
  return {
    ...input,
    title: row.title,
    contactName: row.contact_name,
    phoneNumber: row.phone_number,
    organization: row.organization,
    direction: row.direction,
    recordedAt: new Date(row.recorded_at),
    durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
    audioFormat: row.audio_format,
    userDisplayName: row.display_name,
  };
}

/**
 * What a stage's earlier attempt left in its heartbeat (a provider job it
 * created), and how this attempt records its own, so a worker that dies
 * mid-stage is succeeded by one that resumes instead of paying again.
 */
export interface StageProgress {
  resumed: Record<string, unknown> | undefined;
  record(details: Record<string, unknown>): void;
}

/**
 * Runs one stage between STARTED and COMPLETED/FAILED events; a cancellation
 * (the call was deleted) reaches the stage through `signal`, and what it
 * records in `progress` is heartbeated (heartbeatThroughout keeps it alive).
 */
export async function runStage<T>(
  deps: StageDeps,
  input: CallWorkflowInput,
  stage: ProcessingStage,
  provider: string | null,
  work: (signal: AbortSignal, progress: StageProgress) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const event = { callId: input.callId, userId: input.userId, stage, provider };
  await recordStageEvent(deps.fork(), { ...event, status: 'STARTED' });
  const resumed = previousHeartbeat();
  const progress: StageProgress = { resumed, record: recordProgress };
  try {
    const result = await work(activitySignal(), progress);
    await recordStageEvent(deps.fork(), { ...event, status: 'COMPLETED', durationMs: Date.now() - started });
    return result;
  } catch (error) {
    const code = (error as { code?: unknown; type?: unknown }).code ?? (error as { type?: unknown }).type;
    await recordStageEvent(deps.fork(), {
      ...event,
      status: 'FAILED',
      durationMs: Date.now() - started,
      errorCode: typeof code === 'string' ? code : 'stage_failed',
      errorMessage: error instanceof Error ? error.message : String(error),
    }).catch(() => undefined);
    throw error;
  }
}

export async function recordSkipped(deps: StageDeps, input: CallWorkflowInput, stage: ProcessingStage, reason: string): Promise<void> {
  await recordStageEvent(deps.fork(), { callId: input.callId, userId: input.userId, stage, status: 'SKIPPED', errorCode: reason });
}

function activitySignal(): AbortSignal {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return new AbortController().signal;
  }
}

const HEARTBEAT_EVERY_MS = 2_000;
/** What each running attempt last recorded; a timer's heartbeat repeats it rather than wiping it. */
const recordedDetails = new WeakMap<Context, Record<string, unknown>>();

function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    // Outside an activity (unit use): nothing to heartbeat.
    return undefined;
  }
}

/**
 * Heartbeats for the whole of an activity, from its first moment (a download
 * or a wait for a core counts as work), on a timer, with the details this
 * attempt recorded last, else the previous attempt's: a provider job id
 * survives even a second crash before this attempt records its own.
 */
export async function heartbeatThroughout<T>(work: () => Promise<T>): Promise<T> {
  const context = currentActivity();
  if (!context) return work();
  // The first after an interval: a quick activity sends none.
  const timer = setInterval(() => context.heartbeat(recordedDetails.get(context) ?? context.info.heartbeatDetails), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

function recordProgress(details: Record<string, unknown>): void {
  const context = currentActivity();
  if (!context) return;
  recordedDetails.set(context, details);
  context.heartbeat(details);
}

function previousHeartbeat(): Record<string, unknown> | undefined {
  try {
    const details: unknown = Context.current().info.heartbeatDetails;
    return details && typeof details === 'object' ? (details as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
