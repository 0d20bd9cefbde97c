import { actionItemSchema, replaceActionItemSchema } from '../../../actions/action-item-schemas.ts';
import { defineMutation } from '../operation.ts';

export const replaceActionItem = defineMutation({
  rest: {
    method: 'PUT',
    path: '/action-items/{id}',
    tags: ['actions'],
    summary: 'Replace an action item; every key is sent, null clears',
    errorResponses: { 400: 'validation_failed', 404: 'action_item_not_found' },
  },
  idempotencyName: 'actions.replace',
  input: replaceActionItemSchema,
  output: actionItemSchema,
  handle: (ctx, { id, ...item }) => ctx.services.actions.replace(ctx.user.id, id, item),
});
