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
 */
export async function* callStatusStream(options: CallStatusStreamOptions): AsyncGenerator<CallStatusEvent> {
  const wanted = options.callIds ? new Set(options.callIds) : undefined;
  const queue: CallStatusEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = options.bus.subscribe((event) => {
    if (event.userId !== options.userId || (wanted && !wanted.has(event.callId))) return;
    queue.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  options.signal?.addEventListener('abort', onAbort);
  const lastStatus = new Map<string, string>();
  try {
    if (options.backfill) queue.unshift(...(await options.backfill()));
    while (!options.signal?.aborted) {
      const event = queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (lastStatus.get(event.callId) === event.status) continue;
      lastStatus.set(event.callId, event.status);
      yield event;
    }
  } finally {
    unsubscribe();
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Stable event id for SSE `lastEventId`: one per (call, status). */
export function statusEventId(event: CallStatusEvent): string {
  return `${event.callId}:${event.status}`;
}
