import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.ts';
import { authenticateRequest, headerValue } from '../http/server.ts';
import { uploadCallForm, type CallUploadDeps } from '../uploads/call-upload.ts';
import { sendStored } from '../uploads/idempotent-multipart.ts';
import { acceptRawMultipart } from '../uploads/multipart.ts';

export interface UploadRouteDeps extends CallUploadDeps {
  authenticator: Authenticator;
}

/**
 * POST /api/calls/analyze: the upload use case behind the Android contract
 * (streamed, so it is written over the same use case tRPC and GraphQL
 * uploads run rather than as an operation).
 */
export function registerUploadCallRoute(app: FastifyInstance, deps: UploadRouteDeps): void {
  acceptRawMultipart(app);
  app.post('/api/calls/analyze', async (request, reply) => {
    const user = await authenticateRequest(request, deps.authenticator);
    return sendStored(
      reply,
      await uploadCallForm(request, deps, user.id, headerValue(request, 'idempotency-key')?.trim() || undefined),
    );
  });
}
