import { z } from 'zod';
import { eventStream } from '../../../events/event-stream.ts';
import { isUuid, uuidSchema } from '../../../ids/uuid.ts';
import { defineSubscription } from '../operation.ts';

/**
 * Each pipeline stage of the given calls as it starts, completes, is skipped
 * or fails, in order: first what happened before the subscription (after
 * `lastEventId` when resuming), then live.
 */
export const onCallProgress = defineSubscription({
  input: z.object({ ids: z.array(uuidSchema).min(1).max(100), lastEventId: z.string().max(200).nullish() }),
  subscribe: (ctx, input, signal) => {
    const wanted = new Set(input.ids);
    // An id this API never issued resumes from the start rather than failing the stream.
    const after = input.lastEventId && isUuid(input.lastEventId) ? input.lastEventId : undefined;
    return eventStream({
      bus: ctx.services.statusEvents,
      externalUserId: ctx.user.externalUserId,
      userId: ctx.user.id,
      listen: (push) =>
        ctx.services.statusEvents.onProgress((event) => {
          if (event.userId === ctx.user.id && wanted.has(event.callId)) push(event);
        }),
      backfill: () => ctx.services.progress.eventsOf(ctx.user.id, input.ids, after),
      dedupe: (event) => ({ slot: event.id, value: event.state }),
      signal,
    });
  },
});
