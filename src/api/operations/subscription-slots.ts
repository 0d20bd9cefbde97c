import { AppError } from '../../errors/app-error.ts';

/**
 * Open subscriptions per user on this instance, over SSE and WebSocket
 * together, so no client can hold an unbounded number of bus listeners.
 */
export function createSubscriptionSlots(perUser: number) {
  const open = new Map<string, number>();
  const release = (userId: string) => {
    const left = (open.get(userId) ?? 1) - 1;
    if (left > 0) open.set(userId, left);
    else open.delete(userId);
  };
  return {
    /** Holds a slot for as long as `events` is consumed; a consumer's `return()` frees it at once. */
    hold<Event>(userId: string, events: AsyncIterable<Event>): AsyncIterableIterator<Event> {
      const count = open.get(userId) ?? 0;
      if (count >= perUser) throw new AppError('too_many_subscriptions', undefined, { limit: perUser });
      open.set(userId, count + 1);
      return releasingOnce(events[Symbol.asyncIterator](), () => release(userId));
    },
    openFor: (userId: string) => open.get(userId) ?? 0,
    /** Open subscriptions of every user on this instance. */
    openInTotal: () => [...open.values()].reduce((total, count) => total + count, 0),
  };
}

export type SubscriptionSlots = ReturnType<typeof createSubscriptionSlots>;

/** Delegates without an async generator, whose `return()` would queue behind a pending `next()`. */
function releasingOnce<Event>(source: AsyncIterator<Event>, onEnd: () => void): AsyncIterableIterator<Event> {
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const iterator: AsyncIterableIterator<Event> = {
    async next() {
      try {
        const result = await source.next();
        if (result.done) end();
        return result;
      } catch (error) {
        end();
        throw error;
      }
    },
    async return(value?: unknown) {
      end();
      return (await source.return?.(value)) ?? { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      end();
      if (source.throw) return source.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
