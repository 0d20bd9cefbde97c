import { z } from 'zod';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const deleteActionItem = authedProcedure
  .meta({
    openapi: { method: 'DELETE', path: '/action-items/{id}', tags: ['actions'], summary: 'Hard-delete an action item', errorResponses: { 404: 'action_item_not_found' } },
    successStatus: 204,
  })
  .input(z.object({ id: z.string().max(100) }))
  .output(z.void())
  .mutation(({ ctx, input }) => idempotent(ctx, 'actions.delete', input, () => ctx.services.actions.remove(ctx.user.id, input.id)));
