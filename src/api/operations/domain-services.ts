import type { AccountsService } from '../../accounts/delete-account.ts';
import type { ActionsService } from '../../actions/actions-service.ts';
import type { CallHistory } from '../../call-history/call-history-service.ts';
import type { CallUploads } from '../../calls/call-uploads.ts';
import type { CallsService } from '../../calls/calls-service.ts';
import type { CostsService } from '../../costs/costs-service.ts';
import type { IdempotencyService } from '../../idempotency/idempotency-service.ts';
import type { ProgressRequest, stageProgress } from '../../pipeline/processing-events.ts';
import type { SyncService } from '../../sync/sync-service.ts';
import type { UsersService } from '../../users/users-service.ts';
import type { VoiceService } from '../../voice/voice-service.ts';
import type { WebhooksService } from '../../webhooks/webhooks-service.ts';

/**
 * The domain services the surfaces run their operations on: what the edge
 * needs, declared here so it imports nothing from the app that builds them
 * (src/app/services.ts).
 */
export interface DomainServices {
  users: UsersService;
  accounts: AccountsService;
  actions: ActionsService;
  calls: CallsService;
  callHistory: CallHistory;
  callUploads: CallUploads;
  costs: CostsService;
  idempotency: IdempotencyService;
  sync: SyncService;
  voice: VoiceService;
  webhooks: WebhooksService;
  /** Live progress of calls' stages, as a stream every surface serves. */
  progress: { follow(request: ProgressRequest): ReturnType<typeof stageProgress> };
}
