import { transcriptDocumentSchema } from '../../../transcripts/transcript-document.ts';
import { callByIdQuery } from './calls-query.ts';

/**
 * The transcript as soon as the pipeline stored it, while the call is still
 * ANALYZING; null before. No REST route: REST keeps its documented 422 until
 * the call is COMPLETED.
 */
export const getStoredTranscript = callByIdQuery({
  output: transcriptDocumentSchema.nullable(),
  read: (services, userId, callId) => services.calls.storedTranscript(userId, callId),
});
