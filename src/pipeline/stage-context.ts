import { Context } from '@temporalio/activity';
import type { PreprocessSettings } from '../audio/preprocess-audio.ts';
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
  direction: 'INCOMING' | 'OUTGOING' | 'UNKNOWN';
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
 * Runs one stage between STARTED and COMPLETED/FAILED events, heartbeating so
 * a dead worker is noticed in seconds and a cancellation (the call was
 * deleted) reaches the stage through `signal`.
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
  let details = resumed;
  const heartbeat = setInterval(() => heartbeatIfActivity(details), 2_000);
  const progress: StageProgress = {
    resumed,
    record(next) {
      details = next;
      heartbeatIfActivity(details);
    },
  };
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
  } finally {
    clearInterval(heartbeat);
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

function heartbeatIfActivity(details: Record<string, unknown> | undefined): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // Outside an activity (unit use): nothing to heartbeat.
  }
}

function previousHeartbeat(): Record<string, unknown> | undefined {
  try {
    const details: unknown = Context.current().info.heartbeatDetails;
    return details && typeof details === 'object' ? (details as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
