import type { CallStatusBus, CallStatusEvent } from './call-status-bus.ts';
import { eventStream } from './event-stream.ts';

export interface CallStatusStreamOptions {
  bus: CallStatusBus;
  userId: string;
  /** The caller's Firebase uid: a revocation of it (sign-out everywhere, account deletion) ends the stream with 401 `auth_invalid`. */
  externalUserId?: string | undefined;
  /** Only these calls; absent means every call of the user. */
  callIds?: readonly string[] | undefined;
  /** Current statuses, yielded first so a subscriber never misses the state it joined in. */
  backfill?: () => Promise<CallStatusEvent[]>;
  signal?: AbortSignal | undefined;
}

/** The caller's status changes, the current ones first; an event that repeats the last status seen for a call is dropped. */
export function callStatusStream(
  options: CallStatusStreamOptions,
): AsyncGenerator<CallStatusEvent, undefined, unknown> {
  const wanted = options.callIds ? new Set(options.callIds) : undefined;
  return eventStream({
    bus: options.bus,
    externalUserId: options.externalUserId,
    userId: options.userId,
    listen: (push) =>
      options.bus.subscribe((event) => {
        if (event.userId === options.userId && (!wanted || wanted.has(event.callId))) push(event);
      }),
    backfill: options.backfill,
    dedupe: (event) => ({ slot: event.callId, value: event.status }),
    signal: options.signal,
  });
}

/** Stable event id for SSE `lastEventId`: one per (call, status). */
export function statusEventId(event: CallStatusEvent): string {
  return `${event.callId}:${event.status}`;
}
