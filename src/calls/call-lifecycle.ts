import type { Em } from '../db/orm.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { callTempPrefix } from './storage-keys.ts';
import { displayNameOf } from '../users/user-queries.ts';
import { deleteArtifact } from './call-artifact-queries.ts';
import { CallGoneError } from './call-gone-error.ts';
import type { CallRef } from './pipeline-port.ts';
import type { CallStatus } from './call-record.entity.ts';
import { callFactsOf, setJudgements, setMeasuredDuration } from './records/pipeline-writes.ts';
import { statusOf } from './records/status-transitions.ts';
import type { CallFactsRow, CallJudgements } from './records/pipeline-writes.ts';
import { transitionCallStatus, type TerminalStatus } from './call-status.ts';
import type { StatusChange } from './status-log.ts';

/** The call facts the pipeline's stages need; ids and metadata only, read fresh each time. */
export interface CallFacts extends CallRef, CallFactsRow {
  userDisplayName: string | null;
}

/** A call as the pipeline moves it from QUEUED to its end. */
export function createCallLifecycle(fork: () => Em, storage: ArtifactStore, onChange?: (change: StatusChange) => void) {
  return {
    async facts(call: CallRef): Promise<CallFacts> {
      const [row, userDisplayName] = await Promise.all([
        callFactsOf(fork(), call.userId, call.callId),
        displayNameOf(fork(), call.userId),
      ]);
      if (!row) throw new CallGoneError(call.callId);
      return { ...call, ...row, userDisplayName };
    },

    /** What the analysis concluded, kept beside the call for the list's filters and facets. */
    async noteJudgements(call: CallRef, judgements: CallJudgements): Promise<void> {
      await setJudgements(fork(), call.callId, judgements);
    },

    /**
     * The recording's length as the pipeline measured it, kept when the
     * upload did not say (stats and summaries count it); the client's stays.
     */
    async noteMeasuredDuration(call: CallRef, seconds: number): Promise<void> {
      if (!Number.isFinite(seconds) || seconds <= 0) return;
      await setMeasuredDuration(fork(), call.callId, Math.round(seconds * 100) / 100);
    },

    /** Moves the call forward; a call that is gone throws CallGoneError, which stops its workflow quietly. */
    async advance(call: CallRef, status: CallStatus): Promise<void> {
      const change = await transitionCallStatus(fork(), call.callId, status);
      if (change) return onChange?.(change);
      if ((await statusOf(fork(), call.callId)) === undefined) throw new CallGoneError(call.callId);
    },

    /**
     * Terminal status, then the raw audio goes: TEMP_AUDIO (and the
     * preprocessed variants) never outlive processing. A deleted call makes
     * this a no-op.
     */
    async finish(call: CallRef, status: TerminalStatus, errorReason: string | null): Promise<void> {
      const change = await transitionCallStatus(fork(), call.callId, status, errorReason);
      if (change) onChange?.(change);
      await storage.deletePrefix(callTempPrefix(call.userId, call.callId));
      await deleteArtifact(fork(), call.callId, 'TEMP_AUDIO');
    },
  };
}

export type CallLifecycle = ReturnType<typeof createCallLifecycle>;
