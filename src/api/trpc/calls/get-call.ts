import { callDetailSchema, callIdInputSchema } from '../../../calls/call-schemas.ts';
import { authedProcedure } from '../trpc.ts';

export const getCall = authedProcedure
  .meta({ openapi: { method: 'GET', path: '/calls/{id}', tags: ['calls'], summary: 'Call detail (no transcript or analysis)', errorResponses: { 404: 'call_not_found' } } })
  .input(callIdInputSchema)
  .output(callDetailSchema)
  .query(({ ctx, input }) => ctx.services.calls.getDetail(ctx.user.id, input.id));
