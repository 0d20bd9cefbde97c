import type { FastifyInstance } from 'fastify';
import { PYANNOTE_WEBHOOK_PATH } from '../../config/config.ts';
import { AppError } from '../../errors/app-error.ts';
import { PYANNOTE_WEBHOOK_MAX_BYTES, verifyPyannoteWebhook } from '../../providers/pyannote/pyannote-webhook.ts';
import { headerValue } from '../http/server.ts';

export interface PyannoteWebhookDeps {
  /** The team's webhook secret (`PYANNOTE_WEBHOOK_SECRET`). */
  secret: string;
  /** Tells every process that the job ended; whoever waits for it fetches it. */
  announce(jobId: string): Promise<void>;
}

/**
 * `POST /webhooks/pyannote`: pyannoteAI's call when a job ends. Outside `/api` and its contract: only
 * pyannoteAI calls it, authenticated by its signature (it cannot send our API key), and a client has no
 * use for it. The body is read raw, because the signature covers its exact bytes, and is never logged:
 * a job's output holds who spoke when and voiceprints.
 */
export function registerPyannoteWebhookRoute(app: FastifyInstance, deps: PyannoteWebhookDeps): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PYANNOTE_WEBHOOK_MAX_BYTES }, (_request, body, done) =>
    done(null, body),
  );
  app.post(PYANNOTE_WEBHOOK_PATH, { bodyLimit: PYANNOTE_WEBHOOK_MAX_BYTES }, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const verdict = verifyPyannoteWebhook(deps.secret, {
      timestamp: headerValue(request, 'x-request-timestamp'),
      signature: headerValue(request, 'x-signature'),
      body,
    });
    if (!verdict.ok) {
      // Which check failed is for operators (a skewed clock, a rotated secret); the caller learns only that one did.
      request.log.info({ reason: verdict.reason, bytes: body.length }, 'pyannote webhook refused');
      if (verdict.reason === 'malformed') throw new AppError('validation_failed', 'The body is not a pyannoteAI job');
      throw new AppError('webhook_signature_invalid');
    }
    // An id nobody waits for (another deployment's job, one given up on) is still a genuine delivery:
    // answered 204 so pyannoteAI stops retrying, announced, and ignored by every process.
    await deps.announce(verdict.jobId);
    request.log.debug({ jobId: verdict.jobId }, 'pyannote job ended');
    return reply.status(204).send();
  });
}
