import { withLegacyAliases } from '../analysis/legacy-aliases.ts';
import type { Em } from '../db/orm.ts';
import type { CallStatusBus, CallStatusEvent } from '../events/call-status-bus.ts';
import type { Logger } from '../observability/logger.ts';
import { createCallStatusCache } from './call-status-cache.ts';
import { AppError } from '../errors/app-error.ts';
import { isUuid } from '../ids/uuid.ts';
import type { PipelineGateway } from '../pipeline/pipeline-gateway.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { CallArtifact } from './call-artifact.entity.ts';
import type { ArtifactType } from './call-artifact.entity.ts';
import { CallRecord, type CallDirection, type CallStatus } from './call-record.entity.ts';
import type { BulkDeleteResult, BulkStatus, CallDetail, CallPage, ListCallsInput } from './call-schemas.ts';
import { isTerminal } from './call-status.ts';
import { toCallDetail, type CallRow } from './call-views.ts';
import { deleteCalls } from './delete-calls.ts';
import { listCalls } from './list-calls.ts';

export interface CallsServiceDeps {
  fork: () => Em;
  storage: ArtifactStore;
  pipeline: PipelineGateway;
  statusEvents: CallStatusBus;
  logger: Logger;
}

/** Polling hints: poll briskly while anything is in flight, lazily once all is settled. */
export const POLL_IN_FLIGHT_MS = 3_000;
export const POLL_SETTLED_MS = 30_000;

/** Reads and lifecycle of a user's calls. Submission lives in submit-call.ts. */
export function createCallsService(deps: CallsServiceDeps) {
  const statusCache = createCallStatusCache({
    bus: deps.statusEvents,
    load: async (callIds) =>
      (
        await deps
          .fork()
          .getConnection()
          .execute<{ id: string; user_id: string; status: CallStatus }[]>('select id, user_id, status from call_records where id in (?)', [callIds])
      ).map((row) => ({ id: row.id, userId: row.user_id, status: row.status })),
  });

  async function findOwnedCall(em: Em, userId: string, callId: string): Promise<CallRecord> {
    // Another user's call answers exactly like a missing one: no existence leak.
    const call = isUuid(callId) ? await em.findOne(CallRecord, { id: callId, user: userId }) : null;
    if (!call) throw new AppError('call_not_found');
    return call;
  }

  async function readArtifactJson(em: Em, callId: string, type: ArtifactType): Promise<Record<string, unknown> | undefined> {
    const artifact = await em.findOne(CallArtifact, { call: callId, artifactType: type });
    if (!artifact) return undefined;
    return JSON.parse((await deps.storage.get(artifact.storageKey)).toString('utf8')) as Record<string, unknown>;
  }

  async function completedArtifact(userId: string, callId: string, type: ArtifactType): Promise<Record<string, unknown>> {
    const em = deps.fork();
    const call = await findOwnedCall(em, userId, callId);
    if (call.status !== 'COMPLETED') throw new AppError('call_not_completed', undefined, { status: call.status });
    const document = await readArtifactJson(em, callId, type);
    if (!document) throw new AppError('call_not_found', 'The call has no stored result');
    return document;
  }

  async function deleteCall(userId: string, callId: string): Promise<void> {
    const deleted = isUuid(callId) ? await deleteCalls(deps, userId, [callId]) : [];
    if (deleted.length === 0) throw new AppError('call_not_found');
  }

  return {
    async getDetail(userId: string, callId: string): Promise<CallDetail> {
      return toCallDetail(callRow(await findOwnedCall(deps.fork(), userId, callId)));
    },

    list(userId: string, input: ListCallsInput): Promise<CallPage> {
      return listCalls(deps.fork(), userId, input);
    },

    async bulkStatus(userId: string, callIds: string[]): Promise<BulkStatus> {
      const items = await statusCache.poll(userId, callIds);
      const inFlight = items.some((item) => !isTerminal(item.status));
      return { items, nextPollMs: inFlight ? POLL_IN_FLIGHT_MS : POLL_SETTLED_MS };
    },

    /** The present status of the given calls, as events (subscription backfill). */
    async currentStatusEvents(userId: string, callIds: readonly string[]): Promise<CallStatusEvent[]> {
      if (callIds.length === 0) return [];
      const rows = await deps
        .fork()
        .getConnection()
        .execute<{ id: string; status: CallStatus; error_reason: string | null; updated_at: Date }[]>(
          'select id, status, error_reason, updated_at from call_records where user_id = ? and id in (?)',
          [userId, [...callIds]],
        );
      return rows.map((row) => ({ callId: row.id, userId, status: row.status, errorReason: row.error_reason, occurredAt: new Date(row.updated_at).toISOString() }));
    },

    getTranscript(userId: string, callId: string): Promise<Record<string, unknown>> {
      return completedArtifact(userId, callId, 'NORMALIZED_TRANSCRIPT_JSON');
    },

    async getAnalysis(userId: string, callId: string): Promise<Record<string, unknown>> {
      return withLegacyAliases(await completedArtifact(userId, callId, 'ANALYSIS_JSON')) as Record<string, unknown>;
    },

    deleteCall,

    async bulkDelete(userId: string, callIds: string[]): Promise<BulkDeleteResult> {
      // One statement for all: nothing per id can fail on its own any more, so `failed` stays empty.
      const unique = new Set(callIds.map((id) => id.toLowerCase()));
      const deleted = await deleteCalls(deps, userId, [...unique].filter(isUuid));
      return { deleted: deleted.length, missing: unique.size - deleted.length, failed: [] };
    },

    async reanalyze(userId: string, callId: string): Promise<CallDetail> {
      const em = deps.fork();
      const call = await findOwnedCall(em, userId, callId);
      if (call.status !== 'COMPLETED') throw new AppError('call_not_reanalyzable', undefined, { status: call.status });
      const transcript = await em.findOne(CallArtifact, { call: callId, artifactType: 'NORMALIZED_TRANSCRIPT_JSON' });
      if (!transcript) throw new AppError('call_not_found', 'The call has no stored transcript to re-analyze');
      await deps.pipeline.reanalyze({ callId, userId });
      return toCallDetail(callRow(await findOwnedCall(deps.fork(), userId, callId)));
    },
  };
}

export type CallsService = ReturnType<typeof createCallsService>;

function callRow(call: CallRecord): CallRow {
  return {
    id: call.id,
    title: call.title ?? null,
    contact_name: call.contactName ?? null,
    phone_number: call.phoneNumber ?? null,
    direction: call.direction as CallDirection,
    status: call.status as CallStatus,
    duration_seconds: call.durationSeconds == null ? null : Number(call.durationSeconds),
    recorded_at: call.recordedAt,
    created_at: call.createdAt,
    error_reason: call.errorReason ?? null,
  };
}
