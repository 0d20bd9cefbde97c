import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES, toEnvelope } from '../../errors/app-error.ts';
import type { Logger } from '../../observability/logger.ts';
import { appRouter, type AppRouter } from './app-router.ts';
import type { RequestContext } from '../operations/request-context.ts';

/** The most calls in one batched request; clients' `httpBatchLink` sets `maxItems` to this or less. */
const MAX_BATCH_SIZE = 10;

const isMultipart = (request: FastifyRequest) => /^multipart\//i.test(request.headers['content-type'] ?? '');

export interface TrpcHttpOptions {
  createContext(request: FastifyRequest, connectionParams?: Record<string, string | undefined> | null): RequestContext;
  logger: Logger;
}

/**
 * tRPC at /trpc: queries, mutations and SSE subscriptions. Browsers cannot
 * set headers on an EventSource, so a subscription may carry its bearer token
 * in tRPC's `connectionParams` instead.
 */
export async function registerTrpc(app: FastifyInstance, options: TrpcHttpOptions): Promise<void> {
  const trpcOptions: FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] = {
    router: appRouter,
    // The adapter reads bodies itself, past Fastify's limit: the same limit, set again.
    maxBodySize: app.initialConfig.bodyLimit,
    // A batch is one request to the rate limiter, like a GraphQL document with aliases: bounded alike.
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ req, info }) => options.createContext(req, info.connectionParams),
    onError: ({ error, path }) => {
      // A refusal that ends a subscription mid-stream (an account suspended) reaches here as INTERNAL_SERVER_ERROR
      // with our AppError as its cause: the client hears its code, and it is no server failure to log.
      const refusal = error.cause instanceof AppError && error.cause.status < 500;
      if (error.code === 'INTERNAL_SERVER_ERROR' && !refusal)
        options.logger.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
    },
  };
  await app.register(async (scope) => {
    // The adapter would read a multipart body whole into memory before any procedure could refuse it.
    scope.addHook('onRequest', async (request, reply) => {
      if (!isMultipart(request)) return;
      const message =
        'tRPC takes JSON: open an upload with calls.createUpload, ' +
        'PUT the recording to its uploadUrl, then call calls.submit';
      return sendTrpcError(reply, new AppError('validation_failed', message), 'multipart');
    });
    await scope.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions });
  });
}

/** An error in tRPC's wire format, for a refusal given before the adapter runs. */
function sendTrpcError(reply: FastifyReply, error: AppError, path: string): FastifyReply {
  const { status, trpc } = ERROR_CODES[error.code];
  const body = {
    error: {
      message: error.message,
      code: TRPC_ERROR_CODES_BY_KEY[trpc],
      data: { code: trpc, httpStatus: status, path, appError: toEnvelope(error).error },
    },
  };
  return reply.status(status).type('application/json').send(JSON.stringify(body));
}
