import { searchCallsInputSchema, searchPageSchema } from '../../../search/search-schemas.ts';
import { callsQuery } from './calls-query.ts';

const SUMMARY =
  "Find a moment in the caller's calls: ranked hits with the segment, its start time, the speaker and a highlighted " +
  'snippet';

export const searchCalls = callsQuery({
  rest: {
    path: '/calls/search',
    summary: SUMMARY,
    errorResponses: { 400: 'validation_failed (empty or too long q, bad filter, limit or cursor)' },
  },
  input: searchCallsInputSchema,
  output: searchPageSchema,
  read: (services, userId, input) => services.callHistory.search(userId, input),
});
