import { tracked } from '@trpc/server';
import { z } from 'zod';
import { callStatusStream, statusEventId } from '../../../events/call-status-stream.ts';
import { authedProcedure } from '../trpc.ts';

/** Live status changes of the caller's calls (all, or the given ids), over SSE. */
export const onCallStatusChange = authedProcedure
  .input(z.object({ ids: z.array(z.uuid()).max(100).optional(), lastEventId: z.string().nullish() }).optional())
  .subscription(async function* ({ ctx, input, signal }) {
    const stream = callStatusStream({
      bus: ctx.services.statusEvents,
      userId: ctx.user.id,
      callIds: input?.ids,
      backfill: input?.ids ? () => ctx.services.calls.currentStatusEvents(ctx.user.id, input.ids ?? []) : undefined,
      signal,
    });
    for await (const event of stream) yield tracked(statusEventId(event), event);
  });
