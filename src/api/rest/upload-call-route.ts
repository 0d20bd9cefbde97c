import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.ts';
import { parseUploadForm } from '../../calls/upload-form.ts';
import type { SubmitCallResult } from '../../calls/call-schemas.ts';
import type { CallSubmission } from '../../calls/submit-call.ts';
import { AppError } from '../../errors/app-error.ts';
import type { IdempotencyService } from '../../idempotency/idempotency-service.ts';
import { authenticateRequest } from '../http/server.ts';
import { answerIdempotentMultipart, multipartFingerprint, type MultipartOutcome } from './idempotent-multipart.ts';
import { acceptRawMultipart, drain, parseMultipart } from './multipart.ts';

export interface UploadRouteDeps {
  authenticator: Authenticator;
  idempotency: IdempotencyService;
  maxFileSizeBytes: number;
  beginSubmission(userId: string): CallSubmission;
}

/** Room for the text parts and multipart framing on top of the file itself. */
const REQUEST_OVERHEAD_BYTES = 5 * 1024 * 1024;
const OPERATION = 'calls.analyze';

/**
 * POST /api/calls/analyze: multipart streamed straight into the submission,
 * never buffered (trpc-to-openapi has no multipart support, so this one route
 * is hand-written over the same domain service).
 */
export function registerUploadCallRoute(app: FastifyInstance, deps: UploadRouteDeps): void {
  acceptRawMultipart(app);

  app.post('/api/calls/analyze', async (request, reply) => {
    const user = await authenticateRequest(request, deps.authenticator);
    assertUploadable(request, deps.maxFileSizeBytes);
    return answerIdempotentMultipart(request, reply, {
      idempotency: deps.idempotency,
      userId: user.id,
      operation: OPERATION,
      maxFileSizeBytes: deps.maxFileSizeBytes,
      run: (withHash) => submit(request, deps, user.id, withHash),
    });
  });
}

function assertUploadable(request: FastifyRequest, maxFileSizeBytes: number): void {
  if (!request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('validation_failed', 'Send the recording as multipart/form-data', { fields: { file: 'required' } });
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxFileSizeBytes + REQUEST_OVERHEAD_BYTES) throw new AppError('payload_too_large');
}

async function submit(request: FastifyRequest, deps: UploadRouteDeps, userId: string, withHash: boolean): Promise<MultipartOutcome> {
  const submission = deps.beginSubmission(userId);
  const fields = new Map<string, string>();
  try {
    await parseMultipart(request, deps.maxFileSizeBytes, {
      onField: (name, value) => void fields.set(name, value),
      onFile: async (name, stream) => {
        if (name !== 'file') return drain(stream);
        // The parser's file part carries socket chunks that nothing else holds.
        await submission.storeAudio(stream, { withHash, ownsChunks: true });
      },
    });
    const result: SubmitCallResult = await submission.commit(parseUploadForm(fields));
    return { status: 202, body: result, fingerprint: multipartFingerprint(OPERATION, fields, submission.audio?.sha256) };
  } catch (error) {
    await submission.abort();
    if (error instanceof AppError && error.code === 'payload_too_large') request.raw.unpipe();
    throw error;
  }
}
