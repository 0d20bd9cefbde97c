import type { Em } from '../db/orm.ts';
import { resumePosition, type CallEventFollower, type StreamCaller } from '../events/call-event-follower.ts';
import { callsWithEvents, latestEventsOf } from '../events/call-event-queries.ts';
import { eventIdOf, type CallEventOf, type LogPosition } from '../events/call-events.ts';
import type { CallStatus } from './call-record.entity.ts';
import { statusesOf } from './records/status-transitions.ts';

/** A call's status as a stream gives it: `id` resumes the stream after this event. */
export interface CallStatusEvent {
  id: string;
  callId: string;
  userId: string;
  status: CallStatus;
  errorReason: string | null;
  occurredAt: string;
}

export interface StatusChangesDeps {
  fork: () => Em;
  follower: CallEventFollower;
}

export interface StatusChangesRequest extends StreamCaller {
  /** Only these calls, starting with their current status; absent means every call of the user, from now. */
  callIds?: readonly string[] | undefined;
  /** Resume: exactly the events after this one. An id the log does not hold is ignored. */
  lastEventId?: string | null | undefined;
}

/**
 * The status changes of the caller's calls, read from the call event log:
 * after `lastEventId` when resuming, otherwise the given calls' current
 * statuses first, then live, each with its id, in log order.
 */
export function callStatusChanges(deps: StatusChangesDeps, request: StatusChangesRequest) {
  const { userId, callIds } = request;
  const start = async (at: LogPosition) => {
    const resumeAt = await resumePosition(deps.fork(), userId, request.lastEventId);
    if (resumeAt) return { first: [], after: resumeAt };
    return { first: callIds ? await statusesAt(deps.fork(), userId, callIds, at) : [], after: at };
  };
  return deps.follower.stream<CallStatusEvent>(
    request,
    {
      filter: { callIds, kinds: ['call.status'] },
      start,
      map: (event) => toStatusEvent(event as CallEventOf<'call.status'>),
    },
    // A call whose statuses have left the log is read from its row, which may already show a change heard live.
    (event) => ({ slot: event.callId, value: event.status }),
  );
}

/**
 * The calls' statuses as of `at`: each one's latest status event at or
 * before it (none once deleted). A call whose first event is after `at` gets
 * none here: its whole history follows, read on from `at`. Only a call with
 * no event left in the log (pruned: unchanged for the log's 30 days) is read
 * from its row.
 */
async function statusesAt(
  em: Em,
  userId: string,
  callIds: readonly string[],
  at: LogPosition,
): Promise<CallStatusEvent[]> {
  const latest = await latestEventsOf(em, { userId, callIds, kinds: ['call.status', 'call.deleted'] }, at);
  const found = new Set(latest.map((event) => event.callId));
  const logged = latest.filter((event) => event.kind === 'call.status');
  const unknown = callIds.filter((callId) => !found.has(callId));
  const withEvents = await callsWithEvents(em, userId, unknown);
  const pruned = unknown.filter((callId) => !withEvents.has(callId));
  const rows = pruned.length > 0 ? await statusesOf(em, pruned) : [];
  const fromRows = rows
    .filter((row) => row.userId === userId)
    .map((row) => ({
      id: eventIdOf(at),
      callId: row.id,
      userId,
      status: row.status,
      errorReason: row.errorReason,
      occurredAt: row.updatedAt.toISOString(),
    }));
  return [...fromRows, ...logged.map((event) => toStatusEvent(event as CallEventOf<'call.status'>))];
}

function toStatusEvent(event: CallEventOf<'call.status'>): CallStatusEvent {
  return {
    id: eventIdOf(event),
    callId: event.callId,
    userId: event.userId,
    status: event.data.status,
    errorReason: event.data.errorReason,
    occurredAt: event.occurredAt.toISOString(),
  };
}
