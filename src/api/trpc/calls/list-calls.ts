import { callPageSchema, listCallsInputSchema } from '../../../calls/call-schemas.ts';
import { authedProcedure } from '../trpc.ts';

export const listCalls = authedProcedure
  .meta({
    openapi: { method: 'GET', path: '/calls', tags: ['calls'], summary: "List the caller's calls, newest first", errorResponses: { 400: 'validation_failed (bad limit, status or cursor)' } },
  })
  .input(listCallsInputSchema)
  .output(callPageSchema)
  .query(({ ctx, input }) => ctx.services.calls.list(ctx.user.id, input));
