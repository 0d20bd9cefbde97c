import { z } from 'zod';
import { userStatsSchema } from '../../../users/user-stats.ts';
import { authedProcedure } from '../trpc.ts';

export const getMyStats = authedProcedure
  .meta({ openapi: { method: 'GET', path: '/users/me/stats', tags: ['users'], summary: 'Call and action-item totals (definitions in the README)' } })
  .input(z.void())
  .output(userStatsSchema)
  .query(({ ctx }) => ctx.services.users.stats(ctx.user.id));
