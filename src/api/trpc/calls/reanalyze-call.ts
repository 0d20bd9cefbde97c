import { callDetailSchema, callIdInputSchema } from '../../../calls/call-schemas.ts';
import { AppError } from '../../../errors/app-error.ts';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const reanalyzeCall = authedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/calls/{id}/reanalyze',
      tags: ['calls'],
      summary: 'Re-run analysis and action items from the stored transcript (not in prod)',
      errorResponses: { 404: 'call_not_found (or no stored transcript)', 409: 'call_not_reanalyzable (details.status)' },
    },
    nonProdOnly: true,
  })
  .input(callIdInputSchema)
  .output(callDetailSchema)
  .mutation(({ ctx, input }) => {
    // Like the REST route, the operation does not exist in prod.
    if (ctx.profile === 'prod') throw new AppError('not_found');
    return idempotent(ctx, 'calls.reanalyze', input, () => ctx.services.calls.reanalyze(ctx.user.id, input.id, ctx.requestId));
  });
