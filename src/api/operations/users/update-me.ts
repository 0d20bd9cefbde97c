import { updateProfileSchema, userProfileSchema } from '../../../users/user-profile.ts';
import { defineMutation } from '../operation.ts';

export const updateMe = defineMutation({
  rest: {
    method: 'PATCH',
    path: '/users/me',
    tags: ['users'],
    summary: 'Update displayName (drives speaker resolution) or the FCM token',
  },
  idempotencyName: 'users.update',
  input: updateProfileSchema,
  output: userProfileSchema,
  handle: (ctx, input) => ctx.services.users.updateProfile(ctx.user.id, input),
});
