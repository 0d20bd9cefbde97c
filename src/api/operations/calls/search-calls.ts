import { searchCallsInputSchema, searchPageSchema } from '../../../search/search-schemas.ts';
import { defineQuery } from '../operation.ts';

export const searchCalls = defineQuery({
  rest: {
    method: 'GET',
    path: '/calls/search',
    tags: ['calls'],
    summary: "Find a moment in the caller's calls: ranked hits with the segment, its start time, the speaker and a highlighted snippet",
    errorResponses: { 400: 'validation_failed (empty or too long q, bad filter, limit or cursor)' },
  },
  input: searchCallsInputSchema,
  output: searchPageSchema,
  handle: (ctx, input) => ctx.services.search.search(ctx.user.id, input),
});
