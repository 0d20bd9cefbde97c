import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../../observability/logger.ts';
import { appRouter, type AppRouter } from './app-router.ts';
import type { RequestContext } from './context.ts';
import { registerTrpcSubmitRoute } from './submit-call-route.ts';

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
    createContext: ({ req, info }) => options.createContext(req, info.connectionParams),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') options.logger.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
    },
  };
  registerTrpcSubmitRoute(app, options);
  await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions });
}
