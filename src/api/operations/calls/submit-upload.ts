import { submitCallResultSchema, submitUploadInputSchema } from '../../../calls/call-schemas.ts';
import { defineMutation } from '../operation.ts';

export const submitUpload = defineMutation({
  rest: {
    method: 'POST',
    path: '/calls',
    tags: ['calls'],
    summary: 'Submit the recording sent to an upload as a call; submitting it again answers the same call',
    errorResponses: { 404: 'upload_not_found (no recording received, sent over 30 minutes ago, or not yours)' },
    successStatus: 202,
  },
  idempotencyName: 'calls.submit',
  input: submitUploadInputSchema,
  output: submitCallResultSchema,
  handle: (ctx, input) => ctx.services.callUploads.submit(ctx.user.id, input.uploadId, input.metadata ?? {}),
});
