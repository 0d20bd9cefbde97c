import type { FastifyRequest } from 'fastify';
import { parseUploadForm } from '../../calls/upload-form.ts';
import type { SubmitCallResult } from '../../calls/call-schemas.ts';
import type { CallSubmission } from '../../calls/submit-call.ts';
import { AppError } from '../../errors/app-error.ts';
import { fileTooLarge } from '../../errors/size-limit.ts';
import type { IdempotencyService, StoredResponse } from '../../idempotency/idempotency-service.ts';
import {
  fingerprintMultipart,
  multipartFingerprint,
  runIdempotentUpload,
  type MultipartOutcome,
} from './idempotent-multipart.ts';
import { requestLimitFor } from './multipart-contract.ts';
import { drain, parseMultipart } from './multipart.ts';

export interface CallUploadDeps {
  idempotency: IdempotencyService;
  maxFileSizeBytes: number;
  beginSubmission(userId: string): CallSubmission;
}

/** The name a retry's `Idempotency-Key` is bound to. */
const UPLOAD_OPERATION = 'calls.analyze';

/**
 * The multipart recording upload (`POST /api/calls/analyze`): checked before
 * a byte of the body is read (the caller is already authenticated), streamed
 * into object storage, never buffered whole, under its `Idempotency-Key`.
 */
export async function uploadCallForm(
  request: FastifyRequest,
  deps: CallUploadDeps,
  userId: string,
  idempotencyKey: string | undefined,
): Promise<StoredResponse> {
  assertUploadable(request, deps.maxFileSizeBytes);
  return runIdempotentUpload({
    idempotency: deps.idempotency,
    userId,
    key: idempotencyKey,
    operation: UPLOAD_OPERATION,
    run: (withHash) => submitForm(request, deps, userId, withHash),
    fingerprintOnly: () => fingerprintMultipart(request, UPLOAD_OPERATION, deps.maxFileSizeBytes),
  });
}

function assertUploadable(request: FastifyRequest, maxFileSizeBytes: number): void {
  if (!request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('validation_failed', 'Send the recording as multipart/form-data', {
      fields: { file: 'required' },
    });
  }
  const declared = Number(request.headers['content-length']);
  const tooLarge = Number.isFinite(declared) && declared > requestLimitFor(maxFileSizeBytes);
  if (tooLarge) throw fileTooLarge(maxFileSizeBytes, declared);
}

function submitForm(
  request: FastifyRequest,
  deps: CallUploadDeps,
  userId: string,
  withHash: boolean,
): Promise<MultipartOutcome> {
  const fields = new Map<string, string>();
  const otherFileParts: string[] = [];
  return submitAudio(deps, userId, fields, async (submission) => {
    await parseMultipart(request, deps.maxFileSizeBytes, {
      onField: (name, value) => void fields.set(name, value),
      onFile: (name, stream) => {
        // The parser's file part carries socket chunks that nothing else holds.
        if (name === 'file') return submission.storeAudio(stream, { withHash }).then(() => undefined);
        otherFileParts.push(name);
        return drain(stream);
      },
    });
    if (!submission.audio && otherFileParts.length > 0) throw misnamedFilePart(otherFileParts[0]!);
  });
}

/** Part names are the client's text: only a short, printable one is repeated back. */
const SHOWN_PART_NAME = /^[\w.\-[\] ]{1,64}$/;

/** The recording came under another name (`audio`, `recording`, …): say which, and what it must be called. */
function misnamedFilePart(name: string): AppError {
  const shown = SHOWN_PART_NAME.test(name);
  const came = shown ? `a part named "${name}"` : 'a part with another name';
  const message = `The file part is required: the recording came as ${came}; name it "file"`;
  const named = shown ? { [name]: 'unexpected file part; send it as "file"' } : {};
  return new AppError('validation_failed', message, { fields: { file: 'required', ...named } });
}

/** Stores the audio, then commits the call; any failure removes whatever was stored. */
async function submitAudio(
  deps: CallUploadDeps,
  userId: string,
  fields: ReadonlyMap<string, string>,
  receive: (submission: CallSubmission) => Promise<void>,
): Promise<MultipartOutcome> {
  const submission = deps.beginSubmission(userId);
  try {
    await receive(submission);
    const result: SubmitCallResult = await submission.commit(parseUploadForm(fields));
    return {
      status: 202,
      body: result,
      fingerprint: multipartFingerprint(UPLOAD_OPERATION, fields, submission.audio?.sha256),
    };
  } catch (error) {
    await submission.abort();
    throw error;
  }
}
