import { bulkStatusInputSchema, bulkStatusSchema } from '../../../calls/call-schemas.ts';
import { callsQuery } from './calls-query.ts';

const SUMMARY = 'Bulk poll the status of up to 100 calls; unknown or foreign ids are omitted';

export const getCallStatuses = callsQuery({
  rest: {
    path: '/calls/status',
    summary: SUMMARY,
    errorResponses: { 400: 'validation_failed (no ids, more than 100, or not UUIDs)' },
  },
  input: bulkStatusInputSchema,
  output: bulkStatusSchema,
  read: (services, userId, input) => services.calls.bulkStatus(userId, input.ids),
});
