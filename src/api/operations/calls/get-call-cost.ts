import { callIdInputSchema } from '../../../calls/call-schemas.ts';
import { callCostSchema } from '../../../costs/cost-schemas.ts';
import { defineQuery } from '../operation.ts';

export const getCallCost = defineQuery({
  rest: {
    method: 'GET',
    path: '/calls/{id}/cost',
    tags: ['calls'],
    summary: 'What the providers billed for the call, per stage, with every attempt counted (US dollars, from the configured price table)',
    errorResponses: { 404: 'call_not_found' },
  },
  input: callIdInputSchema,
  output: callCostSchema,
  handle: (ctx, input) => ctx.services.costs.ofCall(ctx.user.id, input.id),
});
