import { callIdInputSchema, jsonDocumentSchema } from '../../../calls/call-schemas.ts';
import { defineQuery } from '../operation.ts';

/**
 * The transcript as soon as the pipeline stored it, while the call is still
 * ANALYZING; null before. No REST route: REST keeps its documented 422 until
 * the call is COMPLETED.
 */
export const getStoredTranscript = defineQuery({
  input: callIdInputSchema,
  output: jsonDocumentSchema.nullable(),
  handle: (ctx, input) => ctx.services.calls.storedTranscript(ctx.user.id, input.id),
});
