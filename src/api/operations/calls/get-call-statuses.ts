import { bulkStatusInputSchema, bulkStatusSchema } from '../../../calls/call-schemas.ts';
import { defineQuery } from '../operation.ts';

export const getCallStatuses = defineQuery({
  rest: {
    method: 'GET',
    path: '/calls/status',
    tags: ['calls'],
    summary: 'Bulk poll the status of up to 100 calls; unknown or foreign ids are omitted',
    errorResponses: { 400: 'validation_failed (no ids, more than 100, or not UUIDs)' },
  },
  input: bulkStatusInputSchema,
  output: bulkStatusSchema,
  handle: (ctx, input) => ctx.services.calls.bulkStatus(ctx.user.id, input.ids),
});
