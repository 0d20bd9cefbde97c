import type { FastifyInstance, FastifyReply } from 'fastify';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { AppError, ERROR_CODES, toEnvelope } from '../../errors/app-error.ts';
import type { Logger } from '../../observability/logger.ts';
import { uploadCallForm } from '../uploads/call-upload.ts';
import { acceptRawMultipart } from '../uploads/multipart.ts';
import type { RequestContext } from '../operations/request-context.ts';

const PATH = 'calls.submit';

/**
 * `calls.submit` over HTTP, ahead of the tRPC adapter, which would read the
 * whole FormData into memory before the procedure runs. Here the caller is
 * authenticated before the body is read and the recording is streamed by the
 * upload use case the REST route runs; the answer is tRPC's own wire format.
 */
export function registerTrpcSubmitRoute(
  app: FastifyInstance,
  options: { createContext: (request: import('fastify').FastifyRequest) => RequestContext; logger: Logger },
): void {
  acceptRawMultipart(app);
  app.post(`/trpc/${PATH}`, async (request, reply) => {
    const ctx = options.createContext(request);
    try {
      const user = await ctx.authenticate();
      const response = await uploadCallForm(request, ctx.edge.uploads, user.id, ctx.idempotencyKey);
      return reply
        .status(200)
        .type('application/json')
        .send(JSON.stringify({ result: { data: response.body } }));
    } catch (error) {
      return sendTrpcError(reply, error, options.logger);
    }
  });
}

/** An error in tRPC's wire format, for answers given outside the adapter. */
export function sendTrpcError(reply: FastifyReply, error: unknown, logger: Logger, path = PATH): FastifyReply {
  const appError = error instanceof AppError ? error : new AppError('internal_error');
  if (!(error instanceof AppError)) logger.error({ err: error, path }, 'tRPC upload failed');
  const { status, trpc } = ERROR_CODES[appError.code];
  const body = {
    error: {
      message: appError.message,
      code: TRPC_ERROR_CODES_BY_KEY[trpc],
      data: { code: trpc, httpStatus: status, path, appError: toEnvelope(appError).error },
    },
  };
  return reply.status(status).type('application/json').send(JSON.stringify(body));
}
