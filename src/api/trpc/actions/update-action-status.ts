import { actionItemSchema, actionStatusUpdateSchema } from '../../../actions/action-item-schemas.ts';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const updateActionStatus = authedProcedure
  .meta({
    openapi: {
      method: 'PATCH',
      path: '/actions/{id}',
      tags: ['actions'],
      summary: 'Change the status of an action item (OPEN un-completes)',
      errorResponses: { 400: 'validation_failed (incl. legacy PENDING/COMPLETED)', 404: 'action_item_not_found' },
    },
  })
  .input(actionStatusUpdateSchema)
  .output(actionItemSchema)
  .mutation(({ ctx, input }) => idempotent(ctx, 'actions.updateStatus', input, () => ctx.services.actions.updateStatus(ctx.user.id, input.id, input.status)));
