import { z } from 'zod';
import { userStatsSchema } from '../../../call-history/user-stats.ts';
import { defineQuery } from '../operation.ts';

export const getMyStats = defineQuery({
  rest: {
    method: 'GET',
    path: '/users/me/stats',
    tags: ['users'],
    summary: 'Call and action-item totals (definitions in the README)',
  },
  input: z.void(),
  output: userStatsSchema,
  handle: (ctx) => ctx.services.callHistory.stats(ctx.user.id),
});
