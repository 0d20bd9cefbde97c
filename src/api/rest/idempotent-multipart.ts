import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { replay, type IdempotencyService, type StoredResponse } from '../../idempotency/idempotency-service.ts';
import { headerValue } from '../http/server.ts';
import { drain, parseMultipart } from './multipart.ts';

/** What a multipart route's own run answers, with the fingerprint of the request it consumed. */
export interface MultipartOutcome extends StoredResponse {
  fingerprint: string;
}

export interface IdempotentMultipartOptions {
  idempotency: IdempotencyService;
  userId: string;
  operation: string;
  maxFileSizeBytes: number;
  /** Consumes the request; `withHash` asks it to fingerprint the file as it streams. */
  run(withHash: boolean): Promise<MultipartOutcome>;
}

/**
 * `Idempotency-Key` for a streamed multipart route: the key is claimed before
 * the body is read. The owner runs and stores its 2xx answer; a retry (or a
 * concurrent twin) reads its own body only to fingerprint it, then replays
 * the stored answer, or gets 409 when the request differs. A rejected run
 * stores nothing, so a corrected retry with the same key runs.
 */
export async function answerIdempotentMultipart(request: FastifyRequest, reply: FastifyReply, options: IdempotentMultipartOptions): Promise<FastifyReply> {
  const key = headerValue(request, 'idempotency-key')?.trim();
  if (!key) return send(reply, await options.run(false));
  const claim = await options.idempotency.claim(options.userId, key, options.operation);
  if (claim.kind === 'existing') {
    const fingerprint = await fingerprintOnly(request, options.operation, options.maxFileSizeBytes);
    return send(reply, replay(await claim.settle(fingerprint)));
  }
  try {
    const outcome = await options.run(true);
    await claim.complete(outcome.fingerprint, outcome);
    return send(reply, outcome);
  } catch (error) {
    await claim.release();
    throw error;
  }
}

/** A request is identified by its text parts and the SHA-256 of its file. */
export function multipartFingerprint(operation: string, fields: ReadonlyMap<string, string>, fileSha256: string | undefined): string {
  const hash = createHash('sha256').update(operation);
  for (const [name, value] of [...fields.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`\0${name}=${value}`);
  return hash.update(`\0file=${fileSha256 ?? ''}`).digest('hex');
}

async function fingerprintOnly(request: FastifyRequest, operation: string, maxFileSizeBytes: number): Promise<string> {
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
  return multipartFingerprint(operation, fields, fileHash);
}

function send(reply: FastifyReply, response: StoredResponse): FastifyReply {
  return reply.status(response.status).type('application/json; charset=utf-8').send(JSON.stringify(response.body));
}
