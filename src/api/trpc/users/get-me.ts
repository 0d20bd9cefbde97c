import { z } from 'zod';
import { userProfileSchema } from '../../../users/user-profile.ts';
import { authedProcedure } from '../trpc.ts';

export const getMe = authedProcedure
  .meta({ openapi: { method: 'GET', path: '/users/me', tags: ['users'], summary: 'The authenticated user (provisioned on first call)', protect: true } })
  .input(z.void())
  .output(userProfileSchema)
  .query(({ ctx }) => ctx.services.users.getProfile(ctx.user.id));
