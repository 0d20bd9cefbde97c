import { bulkDeleteInputSchema, bulkDeleteResultSchema } from '../../../calls/call-schemas.ts';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const deleteCalls = authedProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/calls',
      tags: ['calls'],
      summary: 'Bulk delete; each id independently, foreign ids count as missing',
      errorResponses: { 400: 'validation_failed (no ids, more than 100, or not UUIDs)' },
    },
  })
  .input(bulkDeleteInputSchema)
  .output(bulkDeleteResultSchema)
  .mutation(({ ctx, input }) => idempotent(ctx, 'calls.bulkDelete', input, () => ctx.services.calls.bulkDelete(ctx.user.id, input.callIds)));
