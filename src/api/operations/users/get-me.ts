import { z } from 'zod';
import { userProfileSchema } from '../../../users/user-profile.ts';
import { defineQuery } from '../operation.ts';

export const getMe = defineQuery({
  rest: {
    method: 'GET',
    path: '/users/me',
    tags: ['users'],
    summary: 'The authenticated user (provisioned on first call)',
  },
  input: z.void(),
  output: userProfileSchema,
  handle: (ctx) => ctx.services.users.getProfile(ctx.user.id),
});
