import { callPageSchema, listCallsInputSchema } from '../../../calls/call-schemas.ts';
import { callsQuery } from './calls-query.ts';

export const listCalls = callsQuery({
  rest: {
    path: '/calls',
    summary: "List the caller's calls, newest first",
    errorResponses: { 400: 'validation_failed (bad limit, status or cursor)' },
  },
  input: listCallsInputSchema,
  output: callPageSchema,
  read: (services, userId, input) => services.callHistory.list(userId, input),
});
