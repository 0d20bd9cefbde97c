import { z } from 'zod';
import { defineMutation } from '../operation.ts';

export const signOutEverywhere = defineMutation({
  rest: {
    method: 'POST',
    path: '/users/me/sign-out',
    tags: ['users'],
    summary:
      'Sign out on every device: refresh tokens are revoked and ID tokens already issued are refused by every API ' +
      'instance at once',
    successStatus: 204,
  },
  idempotencyName: 'users.signOut',
  input: z.void(),
  output: z.void(),
  handle: (ctx) => ctx.services.users.signOutEverywhere(ctx.user),
});
