import type { CallStatusBus, CallStatusEvent } from './call-status-bus.ts';

export interface CallStatusStreamOptions {
  bus: CallStatusBus;
  userId: string;
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
  const state: StreamState = { closed: false, wake: undefined };
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
  const onAbort = () => state.wake?.();
  options.signal?.addEventListener('abort', onAbort);
  const lastStatus = new Map<string, string>();
  try {
    if (options.backfill) {
      const current = await options.backfill();
      queue.unshift(...current);
    }
    while (!ended()) {
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
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Stable event id for SSE `lastEventId`: one per (call, status). */
export function statusEventId(event: CallStatusEvent): string {
  return `${event.callId}:${event.status}`;
}
