import { createActionsService } from '../actions/actions-service.ts';
import type { IdentityAdmin } from '../users/identity.ts';
import { createCallHistory } from '../call-history/call-history-service.ts';
import { createCallsService } from '../calls/calls-service.ts';
import { beginCallSubmission } from '../calls/submit-call.ts';
import { createCallUploads } from '../calls/call-uploads.ts';
import type { Em } from '../db/orm.ts';
import { createCallEventFollower } from '../events/call-event-follower.ts';
import type { IdentityRevocation, SignalBus } from '../events/signal-bus.ts';
import { createIdempotencyService } from '../idempotency/idempotency-service.ts';
import { detectAudioFormat } from '../audio/detect-audio-format.ts';
import { probeDurationSeconds } from '../audio/probe-audio.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import type { Logger } from '../observability/logger.ts';
import type { DiarizationPort } from '../pipeline/provider-ports.ts';
import { createVoiceService, type VoiceprintProvider } from '../voice/voice-service.ts';
import type { PipelinePort } from '../calls/pipeline-port.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { createCostsService } from '../costs/costs-service.ts';
import type { PriceTable } from '../config/price-table.ts';
import { createSearchService } from '../search/search-service.ts';
import { createSyncService } from '../sync/sync-service.ts';
import { stageProgress, type ProgressRequest } from '../pipeline/processing-events.ts';
import { createUsersService } from '../users/users-service.ts';
import { createAccountsService } from '../accounts/delete-account.ts';
import type { DeliveryRuns } from '../webhooks/webhook-dispatcher.ts';
import { createWebhooksService } from '../webhooks/webhooks-service.ts';

export interface ServiceDeps {
  /** Counts one manual webhook send of the user's; throws the documented 429 past the limit. */
  webhookSendQuota(userId: string): Promise<void>;
  fork: () => Em;
  storage: ArtifactStore;
  pipeline: PipelinePort;
  signals: SignalBus;
  identity: IdentityAdmin | undefined;
  revokeIdentity(revocation: IdentityRevocation): void;
  adminEmails: readonly string[];
  maxFileSizeBytes: number;
  voice: VoiceSettings;
  voiceprints: DiarizationPort | undefined;
  ffprobePath: string;
  prices: PriceTable;
  webhooks: { runs: DeliveryRuns; allowPrivateTargets: boolean; maxEndpointsPerUser: number };
  logger: Logger;
  /** Seals the cursors and sync tokens clients carry. */
  tokens: OpaqueTokens;
}

interface VoiceSettings {
  enabled: boolean;
  consentVersion: string;
  minSeconds: number;
  maxSeconds: number;
  maxSizeBytes: number;
}

/** One domain service per concept, shared by REST, tRPC, GraphQL and activities. */
export function createServices(deps: ServiceDeps) {
  const submissionDeps = {
    fork: deps.fork,
    storage: deps.storage,
    pipeline: deps.pipeline,
    maxFileSizeBytes: deps.maxFileSizeBytes,
  };
  const beginSubmission = (userId: string) => beginCallSubmission(submissionDeps, userId);
  const idempotency = createIdempotencyService({ fork: deps.fork });
  const actions = createActionsService({ fork: deps.fork });
  const callEvents = createCallEventFollower({ fork: deps.fork, bus: deps.signals, logger: deps.logger });
  return {
    users: createUsersService(deps),
    accounts: createAccountsService(deps),
    actions,
    calls: createCallsService({
      fork: deps.fork,
      storage: deps.storage,
      pipeline: deps.pipeline,
      signals: deps.signals,
      follower: callEvents,
      logger: deps.logger,
      tokens: deps.tokens,
    }),
    callHistory: createCallHistory({ fork: deps.fork, tokens: deps.tokens }),
    search: createSearchService({ fork: deps.fork }),
    costs: createCostsService({ fork: deps.fork, prices: deps.prices }),
    sync: createSyncService({ fork: deps.fork, actions, tokens: deps.tokens }),
    webhooks: createWebhooksService({
      fork: deps.fork,
      runs: deps.webhooks.runs,
      policy: { allowPrivateTargets: deps.webhooks.allowPrivateTargets },
      maxEndpointsPerUser: deps.webhooks.maxEndpointsPerUser,
      manualSendQuota: deps.webhookSendQuota,
    }),
    /** Live progress of calls' stages, as a stream every surface serves. */
    progress: {
      follow: (request: ProgressRequest) => stageProgress({ fork: deps.fork, follower: callEvents }, request),
    },
    beginCallSubmission: beginSubmission,
    callUploads: createCallUploads({ ...submissionDeps, tokens: deps.tokens }),
    idempotency,
    voice: createVoiceService({
      fork: deps.fork,
      provider: deps.voiceprints ? pyannoteVoiceprints(deps.voiceprints) : undefined,
      inspector: {
        formatOf: detectAudioFormat,
        durationSeconds: (file) => probeDurationSeconds(file, deps.ffprobePath),
      },
      logger: deps.logger,
      settings: deps.voice,
    }),
    signals: deps.signals,
    callEvents,
  };
}

export type Services = ReturnType<typeof createServices>;

function pyannoteVoiceprints(diarization: DiarizationPort): VoiceprintProvider {
  return {
    name: diarization.provider,
    model: diarization.model,
    createVoiceprint: (samplePath) =>
      diarization.createVoiceprint(
        { path: samplePath, contentType: 'application/octet-stream', filename: 'sample' },
        AbortSignal.timeout(120_000),
      ),
  };
}
