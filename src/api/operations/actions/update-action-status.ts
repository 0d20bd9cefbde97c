import { actionItemSchema, actionStatusUpdateSchema } from '../../../actions/action-item-schemas.ts';
import { defineMutation } from '../operation.ts';

export const updateActionStatus = defineMutation({
  rest: {
    method: 'PATCH',
    path: '/actions/{id}',
    tags: ['actions'],
    summary: 'Change the status of an action item (OPEN un-completes)',
    errorResponses: { 400: 'validation_failed (incl. legacy PENDING/COMPLETED)', 404: 'action_item_not_found' },
  },
  idempotencyName: 'actions.updateStatus',
  input: actionStatusUpdateSchema,
  output: actionItemSchema,
  handle: (ctx, input) => ctx.services.actions.updateStatus(ctx.user.id, input.id, input.status),
});
