import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { replay, type IdempotencyService, type StoredResponse } from '../../idempotency/idempotency-service.ts';
import { drain, parseMultipart } from './multipart.ts';

/** What a multipart upload's own run answers, with the fingerprint of the request it consumed. */
export interface MultipartOutcome extends StoredResponse {
  fingerprint: string;
}

export interface IdempotentUploadOptions {
  idempotency: IdempotencyService;
  userId: string;
  /** The client's `Idempotency-Key`, when it sent one. */
  key: string | undefined;
  operation: string;
  /** Consumes the upload; `withHash` asks it to fingerprint the file as it streams. */
  run(withHash: boolean): Promise<MultipartOutcome>;
  /** Consumes the upload only to fingerprint it: a retry stores nothing. */
  fingerprintOnly(): Promise<string>;
}

/**
 * `Idempotency-Key` for a streamed upload, on every surface: the key is
 * claimed before the body is read. The owner runs and stores its 2xx answer;
 * a retry (or a concurrent twin) reads its own body only to fingerprint it,
 * then replays the stored answer, or gets 409 when the request differs. A
 * rejected run stores nothing, so a corrected retry with the same key runs.
 */
export async function runIdempotentUpload(options: IdempotentUploadOptions): Promise<StoredResponse> {
  if (!options.key) return options.run(false);
  const claim = await options.idempotency.claim(options.userId, options.key, options.operation);
  if (claim.kind === 'existing') return replay(await claim.settle(await options.fingerprintOnly()));
  let outcome: MultipartOutcome;
  try {
    outcome = await options.run(true);
  } catch (error) {
    await claim.release();
    throw error;
  }
  try {
    await claim.complete(outcome.fingerprint, outcome);
  } catch (error) {
    // The call is stored: releasing the key now would let a retry store it twice.
    await claim.holdInDoubt(outcome.fingerprint);
    throw error;
  }
  return outcome;
}

/** A request is identified by its text parts and the SHA-256 of its file. */
export function multipartFingerprint(
  operation: string,
  fields: ReadonlyMap<string, string>,
  fileSha256: string | undefined,
): string {
  const hash = createHash('sha256').update(operation);
  for (const [name, value] of [...fields.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
    hash.update(`\0${name}=${value}`);
  return hash.update(`\0file=${fileSha256 ?? ''}`).digest('hex');
}

export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The fingerprint of a multipart body whose file part is named `file`. */
export async function fingerprintMultipart(
  request: FastifyRequest,
  operation: string,
  maxFileSizeBytes: number,
): Promise<string> {
  const fields = new Map<string, string>();
  let fileHash: string | undefined;
  await parseMultipart(request, maxFileSizeBytes, {
    onField: (name, value) => void fields.set(name, value),
    onFile: async (name, stream) => {
      if (name !== 'file') return drain(stream);
      fileHash = await sha256Of(stream);
    },
  });
  return multipartFingerprint(operation, fields, fileHash);
}

export function sendStored(reply: FastifyReply, response: StoredResponse): FastifyReply {
  return reply.status(response.status).type('application/json; charset=utf-8').send(JSON.stringify(response.body));
}
