import type { Analysis } from '../analysis/analysis-schema.ts';
import { readStoredAnalysis } from '../analysis/read-analysis.ts';
import type { Em } from '../db/orm.ts';
import type { CallEventFollower } from '../events/call-event-follower.ts';
import type { SignalBus } from '../events/signal-bus.ts';
import type { Logger } from '../observability/logger.ts';
import { createCallStatusCache } from './call-status-cache.ts';
import { AppError } from '../errors/app-error.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import { isUuid } from '../ids/uuid.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { ArtifactType } from './call-artifact.entity.ts';
import { callArtifacts } from './call-artifacts.ts';
import type { PipelinePort } from './pipeline-port.ts';
import { ownedCallRow, ownedCallRows } from './records/owned-calls.ts';
import { statusesOf } from './records/status-transitions.ts';
import { callStatusChanges, type StatusChangesRequest } from './call-status-changes.ts';
import { encodeCursor, type CallCursor } from './call-cursor.ts';
import type { BulkDeleteResult, BulkStatus, CallDetail, CallSort } from './call-schemas.ts';
import { isTerminal } from './call-status.ts';
import { toCallDetail, type CallRow } from './call-views.ts';
import { deleteCalls } from './delete-calls.ts';
import { parseTranscriptDocument, type TranscriptDocument } from '../transcripts/transcript-document.ts';

export interface CallsServiceDeps {
  fork: () => Em;
  storage: ArtifactStore;
  pipeline: PipelinePort;
  signals: SignalBus;
  follower: CallEventFollower;
  logger: Logger;
  tokens: OpaqueTokens;
}

/** Polling hints: poll briskly while anything is in flight, lazily once all is settled. */
export const POLL_IN_FLIGHT_MS = 3_000;
export const POLL_SETTLED_MS = 30_000;

/**
 * Reads and lifecycle of a user's calls, one at a time or a page's worth by
 * id. Submission lives in submit-call.ts; the list, search and summary in
 * the call history.
 */
export function createCallsService(deps: CallsServiceDeps) {
  const artifacts = callArtifacts(deps.fork, deps.storage);
  const statusCache = createCallStatusCache({
    bus: deps.signals,
    load: (callIds) => statusesOf(deps.fork(), callIds),
  });

  async function findOwnedCall(userId: string, callId: string): Promise<CallRow> {
    // Another user's call answers exactly like a missing one: no existence leak.
    const call = isUuid(callId) ? await ownedCallRow(deps.fork(), userId, callId) : undefined;
    if (!call) throw new AppError('call_not_found');
    return call;
  }

  async function completedArtifact(
    userId: string,
    callId: string,
    type: ArtifactType,
  ): Promise<Record<string, unknown>> {
    const call = await findOwnedCall(userId, callId);
    if (call.status !== 'COMPLETED') throw new AppError('call_not_completed', undefined, { status: call.status });
    const document = await artifacts.readJson<Record<string, unknown>>(callId, type);
    if (!document) throw new AppError('call_not_found', 'The call has no stored result');
    return document;
  }

  /**
   * Reads of many calls at once, in the order of `callIds`, for a GraphQL
   * page: each costs a fixed number of statements however many calls it
   * covers (plus one object read per stored document). A call that is not
   * the user's reads as missing.
   */
  const pageReads = {
    async detailsOf(userId: string, callIds: readonly string[]): Promise<Array<CallDetail | AppError>> {
      const rows = new Map((await ownedCallRows(deps.fork(), userId, callIds)).map((row) => [row.id, row]));
      return callIds.map((id) => {
        const row = rows.get(id);
        return row ? toCallDetail(row) : new AppError('call_not_found');
      });
    },

    /** Each call's transcript once stored (ANALYZING included), else null. */
    async transcriptsOf(userId: string, callIds: readonly string[]): Promise<Array<TranscriptDocument | null>> {
      const owned = (await ownedCallRows(deps.fork(), userId, callIds)).map((row) => row.id);
      const stored = await artifacts.readJsonOfCalls(owned, 'NORMALIZED_TRANSCRIPT_JSON');
      return callIds.map((id) => (stored.has(id) ? parseTranscriptDocument(stored.get(id)) : null));
    },

    /** Each COMPLETED call's analysis, else null; a COMPLETED call without one is an error of its own, as on REST. */
    async analysesOf(userId: string, callIds: readonly string[]): Promise<Array<Analysis | AppError | null>> {
      const rows = await ownedCallRows(deps.fork(), userId, callIds);
      const completed = rows.filter((row) => row.status === 'COMPLETED').map((row) => row.id);
      const stored = await artifacts.readJsonOfCalls(completed, 'ANALYSIS_JSON');
      const missing = () => new AppError('call_not_found', 'The call has no stored result');
      return callIds.map((id) => {
        if (!completed.includes(id)) return null;
        return stored.has(id) ? readStoredAnalysis(stored.get(id)) : missing();
      });
    },
  };

  async function deleteCall(userId: string, callId: string): Promise<void> {
    const deleted = isUuid(callId) ? await deleteCalls(deps, userId, [callId]) : [];
    if (deleted.length === 0) throw new AppError('call_not_found');
  }

  return {
    async getDetail(userId: string, callId: string): Promise<CallDetail> {
      return toCallDetail(await findOwnedCall(userId, callId));
    },

    /** A GraphQL edge's cursor: the list's own, for one call of the page. */
    edgeCursor(sort: CallSort, cursor: CallCursor): string {
      return encodeCursor(deps.tokens, sort, cursor);
    },

    async bulkStatus(userId: string, callIds: string[]): Promise<BulkStatus> {
      const items = await statusCache.poll(userId, callIds);
      const inFlight = items.some((item) => !isTerminal(item.status));
      return { items, nextPollMs: inFlight ? POLL_IN_FLIGHT_MS : POLL_SETTLED_MS };
    },

    /** The present status of the given calls, as events (subscription backfill). */
    /** Status changes of the user's calls, as a stream every surface serves. */
    statusChanges(request: StatusChangesRequest) {
      return callStatusChanges({ fork: deps.fork, follower: deps.follower }, request);
    },

    async getTranscript(userId: string, callId: string): Promise<TranscriptDocument> {
      return parseTranscriptDocument(await completedArtifact(userId, callId, 'NORMALIZED_TRANSCRIPT_JSON'));
    },

    /** The transcript once the pipeline stored it, whatever the status (ANALYZING included); null before. */
    async storedTranscript(userId: string, callId: string): Promise<TranscriptDocument | null> {
      await findOwnedCall(userId, callId);
      const stored = await artifacts.readJson<unknown>(callId, 'NORMALIZED_TRANSCRIPT_JSON');
      return stored === undefined ? null : parseTranscriptDocument(stored);
    },

    async getAnalysis(userId: string, callId: string): Promise<Analysis> {
      return readStoredAnalysis(await completedArtifact(userId, callId, 'ANALYSIS_JSON'));
    },

    ...pageReads,

    deleteCall,

    async bulkDelete(userId: string, callIds: string[]): Promise<BulkDeleteResult> {
      // One statement for all: nothing per id can fail on its own any more, so `failed` stays empty.
      const unique = new Set(callIds.map((id) => id.toLowerCase()));
      const deleted = await deleteCalls(deps, userId, [...unique].filter(isUuid));
      return { deleted: deleted.length, missing: unique.size - deleted.length, failed: [] };
    },

    async reanalyze(userId: string, callId: string): Promise<CallDetail> {
      const call = await findOwnedCall(userId, callId);
      if (call.status !== 'COMPLETED') throw new AppError('call_not_reanalyzable', undefined, { status: call.status });
      if (!(await artifacts.find(callId, 'NORMALIZED_TRANSCRIPT_JSON')))
        throw new AppError('call_not_found', 'The call has no stored transcript to re-analyze');
      await deps.pipeline.reanalyze({ callId, userId });
      return toCallDetail(await findOwnedCall(userId, callId));
    },
  };
}

export type CallsService = ReturnType<typeof createCallsService>;
