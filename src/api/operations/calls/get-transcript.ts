import { callIdInputSchema, jsonDocumentSchema } from '../../../calls/call-schemas.ts';
import { defineQuery } from '../operation.ts';

export const getTranscript = defineQuery({
  rest: {
    method: 'GET',
    path: '/calls/{id}/transcript',
    tags: ['calls'],
    summary: 'The normalized, speaker-attributed transcript (schemaVersion 2)',
    errorResponses: { 404: 'call_not_found', 422: 'call_not_completed' },
  },
  input: callIdInputSchema,
  output: jsonDocumentSchema,
  handle: (ctx, input) => ctx.services.calls.getTranscript(ctx.user.id, input.id),
});
