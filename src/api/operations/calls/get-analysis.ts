import { analysisSchema } from '../../../analysis/analysis-schema.ts';
import { callByIdQuery } from './calls-query.ts';

export const getAnalysis = callByIdQuery({
  rest: {
    path: '/calls/{id}/analysis',
    summary: 'The structured analysis (schemaVersion 4) with legacy aliases',
    errorResponses: { 404: 'call_not_found', 422: 'call_not_completed' },
  },
  output: analysisSchema,
  read: (services, userId, callId) => services.calls.getAnalysis(userId, callId),
});
