import { callDetailSchema, callIdInputSchema } from '../../../calls/call-schemas.ts';
import { defineMutation } from '../operation.ts';

export const reanalyzeCall = defineMutation({
  rest: {
    method: 'POST',
    path: '/calls/{id}/reanalyze',
    tags: ['calls'],
    summary: 'Re-run analysis and action items from the stored transcript (not in prod)',
    errorResponses: { 404: 'call_not_found (or no stored transcript)', 409: 'call_not_reanalyzable (details.status)' },
  },
  nonProdOnly: true,
  idempotencyName: 'calls.reanalyze',
  input: callIdInputSchema,
  output: callDetailSchema,
  handle: (ctx, input) => ctx.services.calls.reanalyze(ctx.user.id, input.id),
});
