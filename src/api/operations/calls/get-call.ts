import { callDetailSchema, callIdInputSchema } from '../../../calls/call-schemas.ts';
import { defineQuery } from '../operation.ts';

export const getCall = defineQuery({
  rest: { method: 'GET', path: '/calls/{id}', tags: ['calls'], summary: 'Call detail (no transcript or analysis)', errorResponses: { 404: 'call_not_found' } },
  input: callIdInputSchema,
  output: callDetailSchema,
  handle: (ctx, input) => ctx.services.calls.getDetail(ctx.user.id, input.id),
});
