import { z } from 'zod';
import { actionItemSchema } from '../../../actions/action-item-schemas.ts';
import { authedProcedure } from '../trpc.ts';

export const listActions = authedProcedure
  .meta({ openapi: { method: 'GET', path: '/actions', tags: ['actions'], summary: "The caller's action items, newest first" } })
  .input(z.void())
  .output(z.array(actionItemSchema))
  .query(({ ctx }) => ctx.services.actions.list(ctx.user.id));
