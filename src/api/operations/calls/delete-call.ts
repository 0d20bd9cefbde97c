import { z } from 'zod';
import { callIdInputSchema } from '../../../calls/call-schemas.ts';
import { defineMutation } from '../operation.ts';

export const deleteCall = defineMutation({
  rest: {
    method: 'DELETE',
    path: '/calls/{id}',
    tags: ['calls'],
    summary: 'Hard-delete a call, its artifacts and action items; an in-flight call is cancelled first',
    errorResponses: { 404: 'call_not_found' },
    successStatus: 204,
  },
  idempotencyName: 'calls.delete',
  input: callIdInputSchema,
  output: z.void(),
  handle: (ctx, input) => ctx.services.calls.deleteCall(ctx.user.id, input.id),
});
