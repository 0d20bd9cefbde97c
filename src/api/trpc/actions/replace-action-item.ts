import { actionItemSchema, replaceActionItemSchema } from '../../../actions/action-item-schemas.ts';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const replaceActionItem = authedProcedure
  .meta({
    openapi: {
      method: 'PUT',
      path: '/action-items/{id}',
      tags: ['actions'],
      summary: 'Replace an action item; every key is sent, null clears',
      errorResponses: { 400: 'validation_failed', 404: 'action_item_not_found' },
    },
  })
  .input(replaceActionItemSchema)
  .output(actionItemSchema)
  .mutation(({ ctx, input }) => {
    const { id, ...item } = input;
    return idempotent(ctx, 'actions.replace', input, () => ctx.services.actions.replace(ctx.user.id, id, item));
  });
