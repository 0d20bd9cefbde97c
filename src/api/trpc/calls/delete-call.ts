import { z } from 'zod';
import { callIdInputSchema } from '../../../calls/call-schemas.ts';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const deleteCall = authedProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/calls/{id}',
      tags: ['calls'],
      summary: 'Hard-delete a call, its artifacts and action items; an in-flight call is cancelled first',
      errorResponses: { 404: 'call_not_found' },
    },
    successStatus: 204,
  })
  .input(callIdInputSchema)
  .output(z.void())
  .mutation(({ ctx, input }) => idempotent(ctx, 'calls.delete', input, () => ctx.services.calls.deleteCall(ctx.user.id, input.id)));
