import { z } from 'zod';
import { uuidSchema } from '../../../ids/uuid.ts';
import { defineSubscription } from '../operation.ts';

/**
 * Each pipeline stage of the given calls as it starts, completes, is skipped
 * or fails, in order: first what happened before the subscription (after
 * `lastEventId` when resuming), then live.
 */
export const onCallProgress = defineSubscription({
  input: z.object({ ids: z.array(uuidSchema).min(1).max(100), lastEventId: z.string().max(200).nullish() }),
  subscribe: (ctx, input, signal) =>
    ctx.services.progress.follow({
      userId: ctx.user.id,
      externalUserId: ctx.user.externalUserId,
      callIds: input.ids,
      lastEventId: input.lastEventId,
      signal,
    }),
});
