import { AppError } from '../errors/app-error.ts';
import type { CallStatusBus, CallStatusEvent } from './call-status-bus.ts';

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

/**
 * The caller's status changes as an async stream, shared by tRPC SSE and
 * GraphQL subscriptions. It subscribes before backfilling, then drops any
 * event that repeats the last status seen for a call.
 *
 * The stream ends, and lets go of its bus listener at once, when the signal
 * aborts or when the consumer calls `return()` (or `throw()`). A plain async
 * generator cannot do the latter: while it waits for the next event, a
 * `return()` only queues behind that wait, so a GraphQL subscription whose
 * client went away (GraphQL passes no signal) kept its listener until the
 * next matching event, which for a quiet user may never come.
 */
export function callStatusStream(options: CallStatusStreamOptions): AsyncGenerator<CallStatusEvent, undefined, unknown> {
  const state: StreamState = { closed: false, revoked: false, wake: undefined };
  const close = () => {
    state.closed = true;
    state.wake?.();
  };
  const events = run(options, state);
  const stream: AsyncGenerator<CallStatusEvent, undefined, unknown> = {
    next: () => events.next(),
    return: (value?: unknown) => {
      close();
      return events.return(value as undefined);
    },
    throw: (error?: unknown) => {
      close();
      return events.throw(error);
    },
    [Symbol.asyncIterator]: () => stream,
    [Symbol.asyncDispose]: async () => void (await stream.return(undefined)),
  };
  return stream;
}

interface StreamState {
  closed: boolean;
  /** The token the stream was opened with was revoked: it ends with an error, so the client knows to sign in again. */
  revoked: boolean;
  wake: (() => void) | undefined;
}

async function* run(options: CallStatusStreamOptions, state: StreamState): AsyncGenerator<CallStatusEvent, undefined, unknown> {
  const ended = () => state.closed || options.signal?.aborted === true;
  if (ended()) return undefined;
  const wanted = options.callIds ? new Set(options.callIds) : undefined;
  const queue: CallStatusEvent[] = [];
  const unsubscribe = options.bus.subscribe((event) => {
    if (event.userId !== options.userId || (wanted && !wanted.has(event.callId))) return;
    queue.push(event);
    state.wake?.();
  });
  // Any revocation announced while the stream is open ends it: a notification can arrive after a
  // stream opened on a token it voids, and a client whose token is still good just subscribes again.
  const stopRevocations = options.externalUserId
    ? options.bus.onIdentityRevoked((revocation) => {
        if (revocation.externalUserId !== options.externalUserId) return;
        state.revoked = true;
        state.wake?.();
      })
    : () => undefined;
  const onAbort = () => state.wake?.();
  options.signal?.addEventListener('abort', onAbort);
  const lastStatus = new Map<string, string>();
  try {
    if (options.backfill) {
      const current = await options.backfill();
      queue.unshift(...current);
    }
    while (!ended()) {
      if (state.revoked) throw new AppError('auth_invalid');
      const event = queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => (state.wake = resolve));
        state.wake = undefined;
        continue;
      }
      if (lastStatus.get(event.callId) === event.status) continue;
      lastStatus.set(event.callId, event.status);
      yield event;
    }
    return undefined;
  } finally {
    unsubscribe();
    stopRevocations();
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Stable event id for SSE `lastEventId`: one per (call, status). */
export function statusEventId(event: CallStatusEvent): string {
  return `${event.callId}:${event.status}`;
}
