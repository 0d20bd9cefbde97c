import { periodSummaryInputSchema, periodSummarySchema } from '../../../calls/period-summary-schemas.ts';
import { defineQuery } from '../operation.ts';

export const summarizeCalls = defineQuery({
  rest: {
    method: 'GET',
    path: '/calls/summary',
    tags: ['calls'],
    summary: "The caller's calls over a period: totals, counts by status, direction, sentiment and outcome, action items, and a series per day or week of a time zone",
    errorResponses: { 400: 'validation_failed (bad range, groupBy or tz)' },
  },
  input: periodSummaryInputSchema,
  output: periodSummarySchema,
  handle: (ctx, input) => ctx.services.calls.summarize(ctx.user.id, input),
});
