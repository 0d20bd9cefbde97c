import { callIdInputSchema, jsonDocumentSchema } from '../../../calls/call-schemas.ts';
import { defineQuery } from '../operation.ts';

export const getAnalysis = defineQuery({
  rest: {
    method: 'GET',
    path: '/calls/{id}/analysis',
    tags: ['calls'],
    summary: 'The structured analysis (schemaVersion 3) with legacy aliases',
    errorResponses: { 404: 'call_not_found', 422: 'call_not_completed' },
  },
  input: callIdInputSchema,
  output: jsonDocumentSchema,
  handle: (ctx, input) => ctx.services.calls.getAnalysis(ctx.user.id, input.id),
});
