import { randomUUID } from 'node:crypto';
import type { PreprocessSettings } from '../../audio/preprocess-audio.ts';
import type { ActionsService } from '../../actions/actions-service.ts';
import type { CallLifecycle } from '../../calls/call-lifecycle.ts';
import type { CostsService } from '../../costs/costs-service.ts';
import { METERED_STAGES, type MeteredStage, type Usage } from '../../costs/usage-cost.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ProviderModes } from '../../config/provider-modes.ts';
import type { SearchService } from '../../search/search-service.ts';
import type { ArtifactStore } from '../../storage/artifact-store.ts';
import type { CallArtifacts } from '../../calls/call-artifacts.ts';
import type { ProcessingStage } from '../processing-event-queries.ts';
import type { ProcessingEventLog } from '../processing-events.ts';
import {
  isProviderFailure,
  type AnalysisPort,
  type DiarizationPort,
  type TranscriptionPort,
} from '../provider-ports.ts';
import type { CallWorkflowInput } from './call-runs.ts';
import { activitySignal, currentActivity, previousHeartbeat, recordProgress } from '../activity-heartbeat.ts';

export interface PipelineSettings {
  preprocessing: PreprocessSettings & { enabled: boolean };
  ffprobePath: string;
  diarization: { maxAudioMinutes: number; hintTwoSpeakers: boolean; maxRetries: number };
  voice: { enabled: boolean; highThreshold: number; mediumThreshold: number };
  /** Per provider, 'sandbox' when it is the in-process fake (named in pipeline provenance). */
  providerModes: ProviderModes;
}

/** What the stages work with: the domain's services and the providers, never the database itself. */
export interface StageDeps {
  calls: CallLifecycle;
  artifacts: CallArtifacts;
  actions: Pick<ActionsService, 'replaceAiItems' | 'forCalls'>;
  search: Pick<SearchService, 'indexCall'>;
  costs: Pick<CostsService, 'recordAttempt'>;
  events: ProcessingEventLog;
  storage: ArtifactStore;
  transcription: TranscriptionPort;
  diarization: DiarizationPort | undefined;
  analysis: AnalysisPort;
  voiceprintOf(userId: string): Promise<string | undefined>;
  settings: PipelineSettings;
  logger: Logger;
}

/**
 * What a stage's earlier attempt left in its heartbeat (a provider job it
 * created), and how this attempt records its own, so a worker that dies
 * mid-stage is succeeded by one that resumes instead of paying again.
 */
export interface StageProgress {
  resumed: Record<string, unknown> | undefined;
  record(details: Record<string, unknown>): void;
  /** What the provider billed for this attempt; a metered stage that never says so was an unbilled attempt. */
  billed(usage: Usage): void;
}

const isMetered = (stage: ProcessingStage): stage is MeteredStage =>
  (METERED_STAGES as readonly string[]).includes(stage);

/**
 * Runs one stage between STARTED and COMPLETED/FAILED events; a cancellation
 * (the call was deleted) reaches the stage through `signal`, and what it
 * records in `progress` is heartbeated (guardActivity's heartbeatThroughout keeps it alive).
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
  await deps.events.record({ ...event, status: 'STARTED' });
  const resumed = previousHeartbeat();
  let usage: Usage | undefined;
  const progress: StageProgress = { resumed, record: recordProgress, billed: (used) => (usage = used) };
  // Every attempt of a metered stage is one usage row: billed with what the provider reported, or not billed.
  const meter = async () => {
    if (provider === null || !isMetered(stage)) return;
    await deps.costs.recordAttempt(input, {
      attempt: attemptId(),
      stage,
      provider,
      model: modelOf(deps, stage),
      usage,
    });
  };
  try {
    const result = await work(activitySignal(), progress);
    await meter();
    await deps.events.record({ ...event, status: 'COMPLETED', durationMs: Date.now() - started });
    return result;
  } catch (error) {
    if (isProviderFailure(error)) usage ??= error.billed;
    await meter().catch((meterError: unknown) =>
      deps.logger.warn({ callId: input.callId, err: meterError }, 'usage of a failed attempt not recorded'),
    );
    const code = (error as { code?: unknown; type?: unknown }).code ?? (error as { type?: unknown }).type;
    await deps.events
      .record({
        ...event,
        status: 'FAILED',
        durationMs: Date.now() - started,
        errorCode: typeof code === 'string' ? code : 'stage_failed',
        errorMessage: error instanceof Error ? error.message : String(error),
      })
      .catch(() => undefined);
    throw error;
  }
}

/** The model a metered stage's provider ran, as the ports name it. */
function modelOf(deps: StageDeps, stage: ProcessingStage): string | null {
  if (stage === 'TRANSCRIBED') return deps.transcription.model;
  if (stage === 'DIARIZED') return deps.diarization?.model ?? null;
  return deps.analysis.model;
}

/** This activity attempt, as one usage row names it; outside an activity every call is its own attempt. */
function attemptId(): string {
  const context = currentActivity();
  if (!context) return randomUUID();
  const { workflowExecution, activityId, attempt } = context.info;
  return `${workflowExecution?.runId ?? 'standalone'}/${activityId}/${attempt}`;
}

export async function recordSkipped(
  deps: StageDeps,
  input: CallWorkflowInput,
  stage: ProcessingStage,
  reason: string,
): Promise<void> {
  await deps.events.record({ callId: input.callId, userId: input.userId, stage, status: 'SKIPPED', errorCode: reason });
}
