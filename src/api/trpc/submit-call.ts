import { Readable } from 'node:stream';
import { z } from 'zod';
import { submitCallResultSchema, type SubmitCallResult } from '../../calls/call-schemas.ts';
import { AppError } from '../../errors/app-error.ts';
import { uploadCallStream } from '../uploads/call-upload.ts';
import { authedProcedure } from './trpc.ts';

/**
 * Upload for TypeScript clients: the same parts as POST /api/calls/analyze,
 * sent as FormData (httpLink). Over HTTP the streamed route in
 * submit-call-route.ts answers this path before tRPC would read the body;
 * this resolver serves in-process callers (createCaller) with the same use case.
 */
export const submitCall = authedProcedure
  .input(z.instanceof(FormData))
  .output(submitCallResultSchema)
  .mutation(async ({ ctx, input }) => {
    const file = input.get('file');
    if (!(file instanceof Blob))
      throw new AppError('validation_failed', 'The file part is required', { fields: { file: 'required' } });
    const fields = new Map<string, string>();
    for (const [name, value] of input.entries()) if (typeof value === 'string') fields.set(name, value);
    const upload = {
      fields,
      file: Readable.from(file.stream() as unknown as AsyncIterable<Uint8Array>),
      untilBodyEnds: Promise.resolve(),
    };
    const response = await uploadCallStream(ctx.edge.uploads, ctx.user.id, ctx.idempotencyKey, upload);
    return response.body as SubmitCallResult;
  });
