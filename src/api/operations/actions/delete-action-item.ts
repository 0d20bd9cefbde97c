import { z } from 'zod';
import { defineMutation } from '../operation.ts';

export const deleteActionItem = defineMutation({
  rest: {
    method: 'DELETE',
    path: '/action-items/{id}',
    tags: ['actions'],
    summary: 'Hard-delete an action item',
    errorResponses: { 404: 'action_item_not_found' },
    successStatus: 204,
  },
  idempotencyName: 'actions.delete',
  input: z.object({ id: z.string().max(100) }),
  output: z.void(),
  handle: (ctx, input) => ctx.services.actions.remove(ctx.user.id, input.id),
});
