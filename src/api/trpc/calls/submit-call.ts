import { Readable } from 'node:stream';
import { z } from 'zod';
import { submitCallResultSchema } from '../../../calls/call-schemas.ts';
import { parseUploadForm } from '../../../calls/upload-form.ts';
import { AppError } from '../../../errors/app-error.ts';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

/**
 * Upload for TypeScript clients: the same parts as POST /api/calls/analyze,
 * sent as FormData (httpLink). tRPC reads FormData whole; large recordings
 * belong on the streamed REST route.
 */
export const submitCall = authedProcedure
  .input(z.instanceof(FormData))
  .output(submitCallResultSchema)
  .mutation(async ({ ctx, input }) => {
    const file = input.get('file');
    if (!(file instanceof Blob)) throw new AppError('validation_failed', 'The file part is required', { fields: { file: 'required' } });
    const fields = new Map<string, string>();
    for (const [name, value] of input.entries()) {
      if (name === 'file') continue;
      fields.set(name, typeof value === 'string' ? value : await value.text());
    }
    const metadata = parseUploadForm(fields);
    return idempotent(ctx, 'calls.analyze.trpc', { ...Object.fromEntries(fields), size: file.size }, async () => {
      const submission = ctx.services.beginCallSubmission(ctx.user.id);
      try {
        await submission.storeAudio(Readable.from(Buffer.from(await file.arrayBuffer())));
        return await submission.commit(metadata);
      } catch (error) {
        await submission.abort();
        throw error;
      }
    });
  });
