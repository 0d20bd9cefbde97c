import { z } from 'zod';
import { userStatsSchema } from '../../../users/user-stats.ts';
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
  handle: (ctx) => ctx.services.users.stats(ctx.user.id),
});
