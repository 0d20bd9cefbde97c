import { z } from 'zod';
import { defineMutation } from '../operation.ts';

export const deleteMe = defineMutation({
  rest: {
    method: 'DELETE',
    path: '/users/me',
    tags: ['users'],
    summary: 'Delete the account: every call, artifact, action item, event and voice profile, then the Firebase user',
    successStatus: 204,
  },
  idempotencyName: 'users.delete',
  input: z.void(),
  output: z.void(),
  handle: (ctx) => ctx.services.accounts.delete(ctx.user),
});
