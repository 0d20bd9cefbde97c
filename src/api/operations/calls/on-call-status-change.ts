import { z } from 'zod';
import { uuidSchema } from '../../../ids/uuid.ts';
import { defineSubscription } from '../operation.ts';

/**
 * Live status changes of the caller's calls (all, or the given ids, starting
 * with their current status), or exactly those after `lastEventId` when resuming.
 */
export const onCallStatusChange = defineSubscription({
  input: z
    .object({ ids: z.array(uuidSchema).min(1).max(100).optional(), lastEventId: z.string().max(200).nullish() })
    .optional(),
  subscribe: (ctx, input, signal) =>
    ctx.services.calls.statusChanges({
      userId: ctx.user.id,
      externalUserId: ctx.user.externalUserId,
      callIds: input?.ids,
      lastEventId: input?.lastEventId,
      signal,
    }),
});
