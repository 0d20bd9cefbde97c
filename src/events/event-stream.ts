import { AppError } from '../errors/app-error.ts';
import type { AccountStatusChange, SignalBus } from './signal-bus.ts';

export interface EventStreamOptions<Event> {
  /** For revocations: the stream ends with 401 `auth_invalid` when the caller's identity is revoked. */
  bus: Pick<SignalBus, 'onIdentityRevoked' | 'onAccountStatus'>;
  /** The caller's Firebase uid. */
  externalUserId?: string | undefined;
  /** The caller's user id: their account suspended or disabled ends the stream with 403, as a new request gets. */
  userId?: string | undefined;
  /**
   * Starts handing the caller's events to `push`, in order (what the stream
   * gives first, then live ones), or why it cannot to `fail`; returns how to stop.
   */
  open(push: (events: Event[]) => void, fail: (error: unknown) => void): () => void;
  /** An event whose slot last carried the same value is dropped (one both read as the current state and heard live). */
  dedupe?(event: Event): { slot: string; value: string };
  signal?: AbortSignal | undefined;
}

/**
 * A live stream of the caller's events, shared by tRPC SSE and GraphQL
 * subscriptions: what `open` pushes, ended by a revocation of the caller.
 *
 * The stream ends, and lets go of its listener at once, when the signal
 * aborts or when the consumer calls `return()` (or `throw()`). A plain async
 * generator cannot do the latter: while it waits for the next event, a
 * `return()` only queues behind that wait, so a GraphQL subscription whose
 * client went away (GraphQL passes no signal) kept its listener until the
 * next matching event, which for a quiet user may never come.
 */
export function eventStream<Event>(options: EventStreamOptions<Event>): AsyncGenerator<Event, undefined, unknown> {
  const state: StreamState = { closed: false, revoked: false, ended: undefined, failed: undefined, wake: undefined };
  const close = () => {
    state.closed = true;
    state.wake?.();
  };
  const events = run(options, state);
  const stream: AsyncGenerator<Event, undefined, unknown> = {
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
  /** Why the stream must end with an error (the account is no longer active), once it must. */
  ended: AppError | undefined;
  /** The events could not be read. */
  failed: { error: unknown } | undefined;
  wake: (() => void) | undefined;
}

async function* run<Event>(
  options: EventStreamOptions<Event>,
  state: StreamState,
): AsyncGenerator<Event, undefined, unknown> {
  const ended = () => state.closed || options.signal?.aborted === true;
  if (ended()) return undefined;
  const queue: Event[] = [];
  const unsubscribe = options.open(
    (events) => {
      queue.push(...events);
      state.wake?.();
    },
    (error) => {
      state.failed = { error };
      state.wake?.();
    },
  );
  // Any revocation announced while the stream is open ends it: a notification can arrive after a
  // stream opened on a token it voids, and a client whose token is still good just subscribes again.
  const stopRevocations = options.externalUserId
    ? options.bus.onIdentityRevoked((revocation) => {
        if (revocation.externalUserId !== options.externalUserId) return;
        state.revoked = true;
        state.wake?.();
      })
    : () => undefined;
  // The account suspended or disabled while the stream is open ends it, as the next request would be refused.
  const stopAccountChanges = options.userId
    ? options.bus.onAccountStatus((change) => endIfInactive(options.userId, change, state))
    : () => undefined;
  const onAbort = () => state.wake?.();
  options.signal?.addEventListener('abort', onAbort);
  const last = new Map<string, string>();
  try {
    while (!ended()) {
      if (state.revoked) throw new AppError('auth_invalid');
      if (state.ended) throw state.ended;
      if (state.failed) throw state.failed.error;
      const event = queue.shift();
      if (event === undefined) {
        await new Promise<void>((resolve) => (state.wake = resolve));
        state.wake = undefined;
        continue;
      }
      const repeat = options.dedupe?.(event);
      if (repeat) {
        if (last.get(repeat.slot) === repeat.value) continue;
        last.set(repeat.slot, repeat.value);
      }
      yield event;
    }
    return undefined;
  } finally {
    unsubscribe();
    stopRevocations();
    stopAccountChanges();
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function endIfInactive(userId: string | undefined, change: AccountStatusChange, state: StreamState): void {
  if (change.userId !== userId || change.status === 'ACTIVE') return;
  state.ended = new AppError(change.status === 'SUSPENDED' ? 'account_suspended' : 'account_disabled');
  state.wake?.();
}
