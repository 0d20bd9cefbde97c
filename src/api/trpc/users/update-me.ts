import { updateProfileSchema, userProfileSchema } from '../../../users/user-profile.ts';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const updateMe = authedProcedure
  .meta({ openapi: { method: 'PATCH', path: '/users/me', tags: ['users'], summary: 'Update displayName (drives speaker resolution) or the FCM token', protect: true } })
  .input(updateProfileSchema)
  .output(userProfileSchema)
  .mutation(({ ctx, input }) => idempotent(ctx, 'users.update', input, () => ctx.services.users.updateProfile(ctx.user.id, input)));
