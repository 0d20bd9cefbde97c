import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.ts';
import { parseUploadForm } from '../../calls/upload-form.ts';
import type { SubmitCallResult } from '../../calls/call-schemas.ts';
import type { CallSubmission } from '../../calls/submit-call.ts';
import { AppError } from '../../errors/app-error.ts';
import { replay, type IdempotencyService, type StoredResponse } from '../../idempotency/idempotency-service.ts';
import { authenticateRequest, headerValue } from '../http/server.ts';
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
    const key = headerValue(request, 'idempotency-key')?.trim();
    if (!key) return send(reply, await submit(request, deps, user.id));

    const claim = await deps.idempotency.claim(user.id, key, OPERATION);
    if (claim.kind === 'existing') {
      const fingerprint = await fingerprintOnly(request, deps.maxFileSizeBytes);
      return send(reply, replay(await claim.settle(fingerprint)));
    }
    try {
      const outcome = await submit(request, deps, user.id, true);
      await claim.complete(outcome.fingerprint, outcome);
      return send(reply, outcome);
    } catch (error) {
      // A rejected upload stored nothing; forgetting the key lets a corrected retry run.
      await claim.release();
      throw error;
    }
  });
}

function assertUploadable(request: FastifyRequest, maxFileSizeBytes: number): void {
  if (!request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('validation_failed', 'Send the recording as multipart/form-data', { fields: { file: 'required' } });
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxFileSizeBytes + REQUEST_OVERHEAD_BYTES) throw new AppError('payload_too_large');
}

interface UploadOutcome extends StoredResponse {
  fingerprint: string;
}

async function submit(request: FastifyRequest, deps: UploadRouteDeps, userId: string, withHash = false): Promise<UploadOutcome> {
  const submission = deps.beginSubmission(userId);
  const fields = new Map<string, string>();
  try {
    await parseMultipart(request, deps.maxFileSizeBytes, {
      onField: (name, value) => void fields.set(name, value),
      onFile: async (name, stream) => {
        if (name !== 'file') return drain(stream);
        await submission.storeAudio(stream, withHash);
      },
    });
    const result: SubmitCallResult = await submission.commit(parseUploadForm(fields));
    return { status: 202, body: result, fingerprint: uploadFingerprint(fields, submission.audio?.sha256) };
  } catch (error) {
    await submission.abort();
    if (error instanceof AppError && error.code === 'payload_too_large') request.raw.unpipe();
    throw error;
  }
}

/** A retry's request is compared with the original by its parts and the file's hash. */
async function fingerprintOnly(request: FastifyRequest, maxFileSizeBytes: number): Promise<string> {
  const fields = new Map<string, string>();
  let fileHash: string | undefined;
  await parseMultipart(request, maxFileSizeBytes, {
    onField: (name, value) => void fields.set(name, value),
    onFile: async (name, stream) => {
      if (name !== 'file') return drain(stream);
      const hash = createHash('sha256');
      for await (const chunk of stream) hash.update(chunk as Buffer);
      fileHash = hash.digest('hex');
    },
  });
  return uploadFingerprint(fields, fileHash);
}

function uploadFingerprint(fields: ReadonlyMap<string, string>, fileSha256: string | undefined): string {
  const hash = createHash('sha256').update(OPERATION);
  for (const [name, value] of [...fields.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`\0${name}=${value}`);
  return hash.update(`\0file=${fileSha256 ?? ''}`).digest('hex');
}

function send(reply: FastifyReply, response: StoredResponse): FastifyReply {
  return reply.status(response.status).type('application/json; charset=utf-8').send(JSON.stringify(response.body));
}
