import { bulkDeleteInputSchema, bulkDeleteResultSchema } from '../../../calls/call-schemas.ts';
import { defineMutation } from '../operation.ts';

export const deleteCalls = defineMutation({
  rest: {
    method: 'DELETE',
    path: '/calls',
    tags: ['calls'],
    summary: 'Bulk delete; each id independently, foreign ids count as missing',
    errorResponses: { 400: 'validation_failed (no ids, more than 100, or not UUIDs)' },
  },
  idempotencyName: 'calls.bulkDelete',
  input: bulkDeleteInputSchema,
  output: bulkDeleteResultSchema,
  handle: (ctx, input) => ctx.services.calls.bulkDelete(ctx.user.id, input.callIds),
});
