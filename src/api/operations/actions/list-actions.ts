import { z } from 'zod';
import { actionItemSchema } from '../../../actions/action-item-schemas.ts';
import { defineQuery } from '../operation.ts';

export const listActions = defineQuery({
  rest: { method: 'GET', path: '/actions', tags: ['actions'], summary: "The caller's action items, newest first" },
  input: z.void(),
  output: z.array(actionItemSchema),
  handle: (ctx) => ctx.services.actions.list(ctx.user.id),
});
