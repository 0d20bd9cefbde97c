import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { checkApiKey, type Authenticator } from '../../auth/authenticator.ts';
import { AppError } from '../../errors/app-error.ts';
import { checkHealth, type HealthProbe } from '../../health/health-service.ts';
import { deferredChildLogger } from '../../observability/deferred-child-logger.ts';
import type { Logger } from '../../observability/logger.ts';
import type { CurrentUser } from '../../users/users-service.ts';
import { renderError } from './render-error.ts';
import { parseQueryString } from './query-string.ts';
import { requestIdFor } from './request-id.ts';

export interface HttpDeps {
  logger: Logger;
  version: string;
  apiKey: string | undefined;
  authenticator: Authenticator;
  healthProbes: HealthProbe[];
  /** Largest JSON body accepted; uploads are streamed and limited separately. */
  bodyLimitBytes?: number;
}

/** Registers a surface (REST routes, tRPC, GraphQL, docs) on the host. */
export type SurfacePlugin = (app: FastifyInstance) => Promise<void> | void;

declare module 'fastify' {
  interface FastifyRequest {
    /** Resolved lazily by `authenticateRequest`, once per request. */
    currentUser?: CurrentUser;
  }
}

/**
 * Builds the HTTP host without listening, so tests and entry files decide
 * where it runs. Every error leaves in the documented envelope.
 */
export async function buildHttpServer(deps: HttpDeps, surfaces: SurfacePlugin[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: requestIdFor,
    // One compact line per request (the onResponse hook) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger, bindings, options) => deferredChildLogger(logger as Logger, bindings, options) as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes ?? 1024 * 1024,
    trustProxy: true,
    return503OnClosing: true,
    routerOptions: { querystringParser: parseQueryString },
  });

  // Synchronous hooks: these run on every request, including the hot polling route.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    try {
      if (deps.apiKey && (request.url.startsWith('/api/') || request.url === '/api')) {
        checkApiKey(deps.apiKey, { xApiKey: headerValue(request, 'x-api-key'), xScryonApiKey: headerValue(request, 'x-scryon-api-key') });
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  });

  app.addHook('onResponse', (request, reply, done) => {
    // Every request logger has the root's level; asking the root skips the request logger's proxy.
    if (deps.logger.isLevelEnabled('info')) {
      request.log.info({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request completed');
    }
    done();
  });

  app.setErrorHandler(async (error, request, reply) => {
    const { status, body, unexpected } = renderError(error);
    if (unexpected) request.log.error({ err: error }, 'unexpected error');
    else request.log.info({ code: body.error.code, status }, 'request rejected');
    return reply.status(status).type('application/json; charset=utf-8').send(body);
  });

  app.setNotFoundHandler(async () => {
    throw new AppError('not_found', 'No route matches this request');
  });

  app.get('/api/health', async (_request, reply) => {
    const report = await checkHealth(deps.version, deps.healthProbes);
    return reply.status(report.status === 'UP' ? 200 : 503).send(report);
  });

  for (const surface of surfaces) await app.register(async (scope) => surface(scope));
  return app;
}

/** The caller of this request; throws the documented 401/403 when there is none. */
export async function authenticateRequest(request: FastifyRequest, authenticator: Authenticator): Promise<CurrentUser> {
  request.currentUser ??= await authenticator.authenticate({
    authorization: headerValue(request, 'authorization'),
    localUserId: headerValue(request, 'x-local-user-id'),
  });
  return request.currentUser;
}

export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
