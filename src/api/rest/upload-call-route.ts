import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.ts';
import { parseUploadForm } from '../../calls/upload-form.ts';
import type { SubmitCallResult } from '../../calls/call-schemas.ts';
import type { CallSubmission } from '../../calls/submit-call.ts';
import { AppError } from '../../errors/app-error.ts';
import { replay, type IdempotencyService, type StoredResponse } from '../../idempotency/idempotency-service.ts';
import { authenticateRequest, headerValue } from '../http/server.ts';

export interface UploadRouteDeps {
  authenticator: Authenticator;
  idempotency: IdempotencyService;
  maxFileSizeBytes: number;
  beginSubmission(userId: string): CallSubmission;
}

const MAX_TEXT_PART_BYTES = 64 * 1024;
/** Room for the text parts and multipart framing on top of the file itself. */
const REQUEST_OVERHEAD_BYTES = 5 * 1024 * 1024;
const OPERATION = 'calls.analyze';

/**
 * POST /api/calls/analyze: multipart streamed straight into the submission,
 * never buffered (trpc-to-openapi has no multipart support, so this one route
 * is hand-written over the same domain service).
 */
export function registerUploadCallRoute(app: FastifyInstance, deps: UploadRouteDeps): void {
  // Leave the body unread: busboy consumes the raw stream as it arrives.
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));

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
      const outcome = await submit(request, deps, user.id);
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

async function submit(request: FastifyRequest, deps: UploadRouteDeps, userId: string): Promise<UploadOutcome> {
  const submission = deps.beginSubmission(userId);
  const fields = new Map<string, string>();
  try {
    await parseMultipart(request, deps.maxFileSizeBytes, {
      onField: (name, value) => void fields.set(name, value),
      onFile: async (name, stream) => {
        if (name !== 'file') return drain(stream);
        await submission.storeAudio(stream);
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

interface MultipartHandlers {
  onField(name: string, value: string): void;
  onFile(name: string, stream: Readable): Promise<void>;
}

/** Runs busboy over the raw request; settles when every part has been handled. */
function parseMultipart(request: FastifyRequest, maxFileSizeBytes: number, handlers: MultipartHandlers): Promise<void> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fileSize: maxFileSizeBytes + 1, fieldSize: MAX_TEXT_PART_BYTES, files: 3, fields: 20, parts: 25 },
      });
    } catch {
      reject(new AppError('validation_failed', 'Malformed multipart body', { fields: { file: 'required' } }));
      return;
    }
    const pending: Promise<void>[] = [];
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      request.raw.unpipe(parser);
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new AppError('validation_failed', `The ${name} part is too large`, { fields: { [name]: 'too large' } }));
      handlers.onField(name, value);
    });
    parser.on('file', (name, stream, info) => {
      if (name === 'metadata' || (name !== 'file' && info.mimeType === 'application/json')) {
        pending.push(readText(stream).then((text) => handlers.onField(name, text)).catch(fail));
        return;
      }
      stream.on('limit', () => stream.destroy(new AppError('payload_too_large')));
      pending.push(handlers.onFile(name, stream).catch(fail));
    });
    parser.on('error', () => fail(new AppError('validation_failed', 'Malformed multipart body')));
    parser.on('close', () => {
      Promise.all(pending).then(() => (failed ? undefined : resolve()), fail);
    });
    request.raw.on('error', () => fail(new AppError('validation_failed', 'The upload was interrupted')));
    request.raw.pipe(parser);
  });
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_TEXT_PART_BYTES) throw new AppError('validation_failed', 'The metadata part is too large', { fields: { metadata: 'too large' } });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function drain(stream: Readable): Promise<void> {
  for await (const _chunk of stream) {
    // Unknown file parts are read and discarded so the parser can move on.
  }
}

function send(reply: FastifyReply, response: StoredResponse): FastifyReply {
  return reply.status(response.status).type('application/json; charset=utf-8').send(JSON.stringify(response.body));
}
