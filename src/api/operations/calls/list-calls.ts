import { callPageSchema, listCallsInputSchema } from '../../../calls/call-schemas.ts';
import { defineQuery } from '../operation.ts';

export const listCalls = defineQuery({
  rest: { method: 'GET', path: '/calls', tags: ['calls'], summary: "List the caller's calls, newest first", errorResponses: { 400: 'validation_failed (bad limit, status or cursor)' } },
  input: listCallsInputSchema,
  output: callPageSchema,
  handle: (ctx, input) => ctx.services.calls.list(ctx.user.id, input),
});
