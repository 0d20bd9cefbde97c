import { callCostSchema } from '../../../costs/cost-schemas.ts';
import { callByIdQuery } from './calls-query.ts';

const SUMMARY =
  'What the providers billed for the call, per stage, with every attempt counted (US dollars, from the configured ' +
  'price table)';

export const getCallCost = callByIdQuery({
  rest: { path: '/calls/{id}/cost', summary: SUMMARY, errorResponses: { 404: 'call_not_found' } },
  output: callCostSchema,
  read: (services, userId, callId) => services.costs.ofCall(userId, callId),
});
