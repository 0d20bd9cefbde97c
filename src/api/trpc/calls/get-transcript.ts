import { callIdInputSchema, jsonDocumentSchema } from '../../../calls/call-schemas.ts';
import { authedProcedure } from '../trpc.ts';

export const getTranscript = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/calls/{id}/transcript',
      tags: ['calls'],
      summary: 'The normalized, speaker-attributed transcript (schemaVersion 2)',
      errorResponses: { 404: 'call_not_found', 422: 'call_not_completed' },
    },
  })
  .input(callIdInputSchema)
  .output(jsonDocumentSchema)
  .query(({ ctx, input }) => ctx.services.calls.getTranscript(ctx.user.id, input.id));
