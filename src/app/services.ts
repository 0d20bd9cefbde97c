import { createActionsService } from '../actions/actions-service.ts';
import type { IdentityAdmin } from '../auth/token-verifier.ts';
import { createCallsService } from '../calls/calls-service.ts';
import { beginCallSubmission } from '../calls/submit-call.ts';
import type { Em } from '../db/orm.ts';
import type { CallStatusBus } from '../events/call-status-bus.ts';
import { createIdempotencyService } from '../idempotency/idempotency-service.ts';
import type { Logger } from '../observability/logger.ts';
import type { PipelineGateway } from '../pipeline/pipeline-gateway.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { createUsersService } from '../users/users-service.ts';

export interface ServiceDeps {
  fork: () => Em;
  storage: ArtifactStore;
  pipeline: PipelineGateway;
  statusEvents: CallStatusBus;
  identity: IdentityAdmin | undefined;
  forgetIdentity(externalUserId: string): void;
  adminEmails: readonly string[];
  maxFileSizeBytes: number;
  logger: Logger;
}

/** One domain service per concept, shared by REST, tRPC, GraphQL and activities. */
export function createServices(deps: ServiceDeps) {
  const submissionDeps = { fork: deps.fork, storage: deps.storage, pipeline: deps.pipeline, maxFileSizeBytes: deps.maxFileSizeBytes };
  return {
    users: createUsersService(deps),
    actions: createActionsService({ fork: deps.fork }),
    calls: createCallsService({ fork: deps.fork, storage: deps.storage, pipeline: deps.pipeline, statusEvents: deps.statusEvents }),
    beginCallSubmission: (userId: string) => beginCallSubmission(submissionDeps, userId),
    idempotency: createIdempotencyService({ fork: deps.fork }),
    statusEvents: deps.statusEvents,
  };
}

export type Services = ReturnType<typeof createServices>;
