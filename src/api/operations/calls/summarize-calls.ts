import { periodSummaryInputSchema, periodSummarySchema } from '../../../call-history/period-summary-schemas.ts';
import { callsQuery } from './calls-query.ts';

const SUMMARY =
  "The caller's calls over a period: totals, counts by status, direction, sentiment and outcome, action items, and " +
  'a series per day or week of a time zone';

export const summarizeCalls = callsQuery({
  rest: {
    path: '/calls/summary',
    summary: SUMMARY,
    errorResponses: { 400: 'validation_failed (bad range, groupBy or tz)' },
  },
  input: periodSummaryInputSchema,
  output: periodSummarySchema,
  read: (services, userId, input) => services.callHistory.summarize(userId, input),
});
