import { z } from 'zod';
import { callUploadSchema } from '../../../calls/call-schemas.ts';
import { defineMutation } from '../operation.ts';

export const createUpload = defineMutation({
  rest: {
    method: 'POST',
    path: '/uploads',
    tags: ['calls'],
    summary: 'Open an upload: where to PUT a recording before submitting it as a call (tRPC and GraphQL clients)',
    successStatus: 201,
  },
  idempotencyName: 'calls.createUpload',
  input: z.void(),
  output: callUploadSchema,
  handle: (ctx) => {
    const upload = ctx.services.callUploads.open(ctx.user.id);
    return Promise.resolve({
      uploadId: upload.uploadId,
      uploadUrl: uploadUrlOf(upload.uploadId, upload.grant),
      method: 'PUT' as const,
      maxBytes: upload.maxBytes,
      expiresAt: upload.expiresAt.toISOString(),
    });
  },
});

/** Where the recording goes: the streamed route of rest/upload-recording-route.ts, with the grant that admits it. */
function uploadUrlOf(uploadId: string, grant: string): string {
  return `/api/uploads/${uploadId}?grant=${encodeURIComponent(grant)}`;
}
