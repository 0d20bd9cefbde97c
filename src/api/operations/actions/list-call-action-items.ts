import { z } from 'zod';
import { actionItemSchema } from '../../../actions/action-item-schemas.ts';
import { defineQuery } from '../operation.ts';

export const listCallActionItems = defineQuery({
  rest: {
    method: 'GET',
    path: '/calls/{callId}/action-items',
    tags: ['actions'],
    summary: 'AI and manual action items of one call',
    errorResponses: { 404: 'call_not_found' },
  },
  input: z.object({ callId: z.string().max(100) }),
  output: z.array(actionItemSchema),
  handle: (ctx, input) => ctx.services.actions.listForCall(ctx.user.id, input.callId),
});
