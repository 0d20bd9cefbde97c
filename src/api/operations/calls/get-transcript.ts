import { transcriptDocumentSchema } from '../../../transcripts/transcript-document.ts';
import { callByIdQuery } from './calls-query.ts';

export const getTranscript = callByIdQuery({
  rest: {
    path: '/calls/{id}/transcript',
    summary: 'The normalized, speaker-attributed transcript (schemaVersion 2)',
    errorResponses: { 404: 'call_not_found', 422: 'call_not_completed' },
  },
  output: transcriptDocumentSchema,
  read: (services, userId, callId) => services.calls.getTranscript(userId, callId),
});
