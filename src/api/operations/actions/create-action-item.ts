import { actionItemSchema, createActionItemSchema } from '../../../actions/action-item-schemas.ts';
import { defineMutation } from '../operation.ts';

export const createActionItem = defineMutation({
  rest: {
    method: 'POST',
    path: '/calls/{callId}/action-items',
    tags: ['actions'],
    summary: 'Add a manual action item to a call',
    errorResponses: { 400: 'validation_failed', 404: 'call_not_found' },
    successStatus: 201,
  },
  idempotencyName: 'actions.create',
  input: createActionItemSchema,
  output: actionItemSchema,
  handle: (ctx, { callId, ...item }) => ctx.services.actions.create(ctx.user.id, callId, item),
});
