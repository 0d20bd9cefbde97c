import { z } from 'zod';
import { callStatusStream } from '../../../events/call-status-stream.ts';
import { uuidSchema } from '../../../ids/uuid.ts';
import { defineSubscription } from '../operation.ts';

/** Live status changes of the caller's calls (all, or the given ids), starting with the given calls' current status. */
export const onCallStatusChange = defineSubscription({
  input: z
    .object({ ids: z.array(uuidSchema).min(1).max(100).optional(), lastEventId: z.string().max(200).nullish() })
    .optional(),
  subscribe: (ctx, input, signal) =>
    callStatusStream({
      bus: ctx.services.statusEvents,
      userId: ctx.user.id,
      externalUserId: ctx.user.externalUserId,
      callIds: input?.ids,
      backfill: input?.ids ? () => ctx.services.calls.currentStatusEvents(ctx.user.id, input.ids ?? []) : undefined,
      signal,
    }),
});
