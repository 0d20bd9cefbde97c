import { z } from 'zod';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const deleteMe = authedProcedure
  .meta({
    openapi: {
      method: 'DELETE',
      path: '/users/me',
      tags: ['users'],
      summary: 'Delete the account: every call, artifact, action item, event and voice profile, then the Firebase user',
    },
    successStatus: 204,
  })
  .input(z.void())
  .output(z.void())
  .mutation(({ ctx }) => idempotent(ctx, 'users.delete', null, () => ctx.services.users.deleteAccount(ctx.user)));
