import { bulkStatusInputSchema, bulkStatusSchema } from '../../../calls/call-schemas.ts';
import { authedProcedure } from '../trpc.ts';

export const getCallStatuses = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/calls/status',
      tags: ['calls'],
      summary: 'Bulk poll the status of up to 100 calls; unknown or foreign ids are omitted',
      errorResponses: { 400: 'validation_failed (no ids, more than 100, or not UUIDs)' },
    },
  })
  .input(bulkStatusInputSchema)
  .output(bulkStatusSchema)
  .query(({ ctx, input }) => ctx.services.calls.bulkStatus(ctx.user.id, input.ids));
