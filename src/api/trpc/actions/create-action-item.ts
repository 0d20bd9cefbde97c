import { actionItemSchema, createActionItemSchema } from '../../../actions/action-item-schemas.ts';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const createActionItem = authedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/calls/{callId}/action-items',
      tags: ['actions'],
      summary: 'Add a manual action item to a call',
      errorResponses: { 400: 'validation_failed', 404: 'call_not_found' },
    },
    successStatus: 201,
  })
  .input(createActionItemSchema)
  .output(actionItemSchema)
  .mutation(({ ctx, input }) => {
    const { callId, ...item } = input;
    return idempotent(ctx, 'actions.create', input, () => ctx.services.actions.create(ctx.user.id, callId, item));
  });
