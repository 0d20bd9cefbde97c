import type { Em } from '../db/orm.ts';
import type { Logger } from '../observability/logger.ts';
import { isAfter, positionOfEventId, type CallEvent, type LogPosition } from './call-events.ts';
import { hasEventAt, logHorizon, newestTransaction, readEvents, type EventFilter } from './call-event-queries.ts';
import { eventStream, type EventStreamOptions } from './event-stream.ts';
import type { SignalBus } from './signal-bus.ts';

/** Who a stream is for: their revocation, or their account's suspension, ends it. */
export interface StreamCaller {
  userId: string;
  /** The caller's Firebase uid: a revocation of it (sign-out everywhere, account deletion) ends the stream with 401. */
  externalUserId?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface Follower<T> {
  /** Which of the user's events to read (`userId` is the follow's). */
  filter: Omit<EventFilter, 'userId'>;
  /**
   * Runs as the follower joins, at a position every event up to which is
   * readable: what to hand over first, and where in the log to read on from.
   */
  start(at: LogPosition): Promise<{ first: T[]; after: LogPosition }>;
  /** An event as the follower hands it on. */
  map(event: CallEvent): T;
  push(items: T[]): void;
  /** The join failed (the database could not be read); the follow is over. */
  fail(error: unknown): void;
}

interface Joined {
  filter: Omit<EventFilter, 'userId'>;
  after: LogPosition;
  map(event: CallEvent): unknown;
  push(items: unknown[]): void;
}

interface Tail {
  userId: string;
  /** Every event of the user up to here has been handed to the followers joined then. */
  position: LogPosition | undefined;
  followers: Set<Joined>;
  /** Followers still joining: the tail stays while any is. */
  joining: number;
  /** Reads of this user's log, one at a time, in order. */
  queue: Promise<void>;
  /** The newest transaction a wake-up named: reads go on until the horizon has passed it. */
  awaited: bigint;
  retry: NodeJS.Timeout | undefined;
  retryMs: number;
}

const PAGE = 500;
const FIRST_RETRY_MS = 5;
const LAST_RETRY_MS = 500;

/**
 * Follows users' call event logs for the streams of this process: one tail
 * per user with a follower, however many streams follow that user, so a
 * wake-up costs one read per user and process. A follower joins inside the
 * tail's queue, at the tail's position, so nothing falls between what it
 * reads to catch up and what the tail reads next, and nothing comes twice.
 */
export function createCallEventFollower(deps: { fork: () => Em; bus: SignalBus; logger: Logger }) {
  const tails = new Map<string, Tail>();
  /** Followers that have ever joined (diagnostics: a test waits for a subscription to be listening). */
  let joins = 0;

  const enqueue = (tail: Tail, step: () => Promise<void>) => {
    tail.queue = tail.queue.then(step).catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'the call event log could not be read; trying again');
      scheduleRetry(tail);
    });
  };

  function scheduleRetry(tail: Tail): void {
    if (tail.retry || tail.followers.size === 0) return;
    tail.retry = setTimeout(() => {
      tail.retry = undefined;
      tail.retryMs = Math.min(tail.retryMs * 2, LAST_RETRY_MS);
      enqueue(tail, () => readOn(tail));
    }, tail.retryMs);
    tail.retry.unref();
  }

  async function positionOf(tail: Tail): Promise<LogPosition> {
    tail.position ??= await logHorizon(deps.fork());
    return tail.position;
  }

  /** Reads the user's new events and hands each to the followers that want it. */
  async function readOn(tail: Tail): Promise<void> {
    if (tail.followers.size === 0) return;
    const em = deps.fork();
    for (;;) {
      const after = await positionOf(tail);
      const { events, horizon } = await readEvents(em, { userId: tail.userId }, { after, limit: PAGE });
      for (const event of events) {
        tail.position = event;
        for (const follower of tail.followers) handOver(follower, [event]);
      }
      if (events.length === PAGE) continue;
      if (isAfter(horizon, tail.position!)) tail.position = horizon;
      if (BigInt(horizon.txid) > tail.awaited) {
        tail.retryMs = FIRST_RETRY_MS;
        return;
      }
      // A wake-up named a transaction the horizon has not passed yet: an older one is still running.
      scheduleRetry(tail);
      return;
    }
  }

  function handOver(follower: Joined, events: CallEvent[]): void {
    const wanted = events.filter((event) => isAfter(event, follower.after) && matches(follower.filter, event));
    if (wanted.length === 0) return;
    follower.after = wanted.at(-1)!;
    follower.push(wanted.map((event) => follower.map(event)));
  }

  async function join<T>(tail: Tail, follower: Follower<T>, joined: Joined): Promise<void> {
    const at = await positionOf(tail);
    const { first, after } = await follower.start(at);
    if (first.length > 0) follower.push(first);
    joined.after = after;
    const em = deps.fork();
    while (isAfter(at, joined.after)) {
      const filter = { ...follower.filter, userId: tail.userId };
      const { events } = await readEvents(em, filter, { after: joined.after, upTo: at, limit: PAGE });
      if (events.length === 0) break;
      handOver(joined, events);
      joined.after = events.at(-1)!;
    }
    if (isAfter(at, joined.after)) joined.after = at;
    tail.followers.add(joined);
    joins += 1;
    // Events committed before the join whose wake-ups came before it too, but which the horizon had not
    // reached: read on until it has.
    const newest = await newestTransaction(em);
    if (newest > tail.awaited) tail.awaited = newest;
    if (BigInt(at.txid) <= tail.awaited) enqueue(tail, () => readOn(tail));
  }

  const stopWakeUps = deps.bus.onCallEvents((appended) => {
    const tail = tails.get(appended.userId);
    if (!tail) return;
    const txid = BigInt(appended.txid);
    if (txid > tail.awaited) tail.awaited = txid;
    enqueue(tail, () => readOn(tail));
  });
  // Wake-ups may have been missed while the listener reconnected.
  const stopReconnects = deps.bus.onReconnect(() => {
    for (const tail of tails.values()) enqueue(tail, () => readOn(tail));
  });

  /** Starts following the user's log; returns how to stop. */
  function follow<T>(userId: string, follower: Follower<T>): () => void {
    let tail = tails.get(userId);
    if (!tail) {
      tail = {
        userId,
        position: undefined,
        followers: new Set(),
        joining: 0,
        queue: Promise.resolve(),
        awaited: 0n,
        retry: undefined,
        retryMs: FIRST_RETRY_MS,
      };
      tails.set(userId, tail);
    }
    const joined: Joined = {
      filter: follower.filter,
      after: { txid: '0', seq: 0 },
      map: follower.map,
      push: follower.push as (items: unknown[]) => void,
    };
    let stopped = false;
    const current = tail;
    /** The tail goes once nobody follows or joins it, unless another tail has replaced it meanwhile. */
    const releaseIfIdle = () => {
      if (current.followers.size > 0 || current.joining > 0 || tails.get(userId) !== current) return;
      clearTimeout(current.retry);
      tails.delete(userId);
    };
    current.joining += 1;
    current.queue = current.queue
      .then(() => (stopped ? undefined : join(current, follower, joined)))
      .catch((error: unknown) => follower.fail(error))
      .finally(() => {
        current.joining -= 1;
        if (!stopped) return;
        current.followers.delete(joined);
        releaseIfIdle();
      });
    return () => {
      stopped = true;
      current.followers.delete(joined);
      // Once the queue is idle: a read under way finishes with the followers it has.
      void current.queue.then(releaseIfIdle);
    };
  }

  return {
    follow,
    /**
     * The user's events as `reader` reads and maps them, as a stream every
     * surface serves (event-stream.ts): ended by a revocation of the caller
     * or their account's suspension.
     */
    stream<T>(
      caller: StreamCaller,
      reader: Omit<Follower<T>, 'push' | 'fail'>,
      dedupe?: EventStreamOptions<T>['dedupe'],
    ): AsyncGenerator<T, undefined, unknown> {
      return eventStream<T>({
        bus: deps.bus,
        externalUserId: caller.externalUserId,
        userId: caller.userId,
        open: (push, fail) => follow(caller.userId, { ...reader, push, fail }),
        dedupe,
        signal: caller.signal,
      });
    },
    /** Followers that have joined since start, across users: a new one means a stream is listening. */
    joinsInTotal: () => joins,
    /** Followers joined right now, across users (diagnostics and leak tests). */
    followerCount: () => [...tails.values()].reduce((sum, tail) => sum + tail.followers.size, 0),
    close(): void {
      stopWakeUps();
      stopReconnects();
      for (const tail of tails.values()) clearTimeout(tail.retry);
      tails.clear();
    },
  };
}

export type CallEventFollower = ReturnType<typeof createCallEventFollower>;

function matches(filter: Omit<EventFilter, 'userId'>, event: CallEvent): boolean {
  return (
    (!filter.callIds || filter.callIds.includes(event.callId)) && (!filter.kinds || filter.kinds.includes(event.kind))
  );
}

/**
 * Where a stream resumes: after `lastEventId`, when the user's log still
 * holds that event. An id it does not hold (pruned, foreign, made up, or
 * another process's view of a call no longer logged) starts the stream afresh.
 */
export async function resumePosition(
  em: Em,
  userId: string,
  lastEventId: string | null | undefined,
): Promise<LogPosition | undefined> {
  const position = positionOfEventId(lastEventId);
  return position && (await hasEventAt(em, userId, position)) ? position : undefined;
}
