import { changePageSchema, changesInputSchema } from '../../../sync/change-schemas.ts';
import { callsQuery } from './calls-query.ts';

export const listChanges = callsQuery({
  rest: {
    path: '/calls/changes',
    summary:
      'Every call and action item created, updated or deleted since a token, in order, with the next token (no ' +
      "token: the feed's position now)",
    errorResponses: {
      400: 'validation_failed (not a token of this feed, bad limit)',
      410: 'sync_token_expired (older than the 30 days the log keeps)',
    },
  },
  input: changesInputSchema,
  output: changePageSchema,
  read: (services, userId, input) => services.sync.changes(userId, input),
});
