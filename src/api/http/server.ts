import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { checkApiKey, type Authenticator } from '../../auth/authenticator.ts';
import { AppError } from '../../errors/app-error.ts';
import { checkHealth, type HealthProbe } from '../../health/health-service.ts';
import type { Logger } from '../../observability/logger.ts';
import type { CurrentUser } from '../../users/identity.ts';
import { isApiRequest } from './api-path.ts';
import { trustedPeer } from './client-address.ts';
import { connectionGuard, DEFAULT_HTTP_LIMITS, type HttpLimits } from './connection-limits.ts';
import { registerCors } from './cors.ts';
import { checkRequestHeaders } from './header-limits.ts';
import { retryAfterOf, type RateLimits } from './rate-limits.ts';
import { fieldsOf, rejectionLine, renderError } from './render-error.ts';
import { requestIdFor } from './request-id.ts';
import { methodNotAllowed, trackRouteMethods } from './method-not-allowed.ts';

/** The host's share of the configuration (`config.http`); anything left out keeps its default. */
export interface HttpSettings extends Partial<HttpLimits> {
  /** Exact origins given CORS headers; empty or absent: none, on every surface. */
  corsAllowedOrigins?: readonly string[];
  /** Proxies whose X-Forwarded-For names the client (Fastify's `trustProxy`). */
  trustProxy?: boolean | string[];
}

/** Longest path parameter the router matches; a longer one (an id is 36 characters) is 414 `uri_too_long`. */
const MAX_PARAM_LENGTH = 100;

export interface HttpDeps {
  logger: Logger;
  version: string;
  apiKey: string | undefined;
  authenticator: Authenticator;
  healthProbes: HealthProbe[];
  /** Largest JSON body accepted; uploads are streamed and limited separately. */
  bodyLimitBytes?: number;
  /** Timeouts, connection cap and CORS allow-list; pass `config.http`. */
  http?: HttpSettings;
  /**
   * Paths whose WebSocket upgrades a surface takes (GraphQL's); any other upgrade request is answered as plain HTTP.
   */
  webSocketPaths?: readonly string[];
  /** Requests per client address and per user, on every surface; absent in unit-level hosts. */
  rateLimits?: RateLimits;
  /** Where each answered request is counted (`scryon_http_request_duration_seconds`). */
  onRequestDone?: (request: { method: string; route: string; status: number }, seconds: number) => void;
}

/** Below this a successful read is routine; a slower one is logged at info like a failure. */
const SLOW_REQUEST_MS = 1_000;

/**
 * A successful, quick read: what phones do every few seconds. Metrics count
 * each one (route, status, duration); its log line is written at debug, so
 * the info log holds every change, every failure and every slow request
 * without a line per poll (about a seventh of a poll's CPU on the production path).
 */
function isRoutineRead(method: string, status: number, elapsedMs: number): boolean {
  return (method === 'GET' || method === 'HEAD') && status < 400 && elapsedMs < SLOW_REQUEST_MS;
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
  const limits: HttpLimits = {
    requestTimeoutMs: deps.http?.requestTimeoutMs ?? DEFAULT_HTTP_LIMITS.requestTimeoutMs,
    idleTimeoutMs: deps.http?.idleTimeoutMs ?? DEFAULT_HTTP_LIMITS.idleTimeoutMs,
    maxConnections: deps.http?.maxConnections ?? DEFAULT_HTTP_LIMITS.maxConnections,
    maxConnectionsPerAddress: deps.http?.maxConnectionsPerAddress ?? DEFAULT_HTTP_LIMITS.maxConnectionsPerAddress,
    headersTimeoutMs: deps.http?.headersTimeoutMs ?? DEFAULT_HTTP_LIMITS.headersTimeoutMs,
  };
  const trustProxy = deps.http?.trustProxy ?? 'loopback';
  const connections = connectionGuard(limits, deps.webSocketPaths ?? [], trustedPeer(trustProxy));
  const gate = (request: FastifyRequest) => gateRequest(deps.apiKey, request);
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: requestIdFor,
    // One compact line per request (the onResponse hook) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes ?? 1024 * 1024,
    trustProxy,
    return503OnClosing: true,
    ...connections.options,
    // Errors the router raises before any hook (a bad escape, an over-long path id) leave in the envelope too.
    frameworkErrors: (error, request, reply) => void answerFrameworkError(error, request, reply, gate),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  });
  connections.install(app.server, app.log);

  // Before any route: a route keeps the error handler of when it was added.
  app.setErrorHandler(async (error, request, reply) => {
    const { status, body, unexpected } = renderError(error);
    if (unexpected) request.log.error({ err: error }, 'unexpected error');
    else request.log.info({ code: body.error.code, status, fields: fieldsOf(body) }, rejectionLine(status, body));
    const retryAfter = retryAfterOf(error);
    if (retryAfter) reply.header('retry-after', retryAfter);
    return reply.status(status).type('application/json; charset=utf-8').send(body);
  });

  const routeMethods = trackRouteMethods(app);
  app.setNotFoundHandler(async (request, reply) => {
    const allowed = routeMethods.allowedFor(request.url.split('?', 1)[0]!);
    if (allowed.length === 0) throw new AppError('not_found', 'No route matches this request');
    reply.header('allow', allowed.join(', '));
    throw methodNotAllowed(request.method, allowed);
  });

  // First, so a preflight (which carries no credentials) is answered and every answer, a 401 too, carries CORS headers.
  await registerCors(app, deps.http?.corsAllowedOrigins ?? []);

  // Every HTTP request (REST, tRPC, GraphQL, the SSE streams) passes these two hooks, the polling routes thousands of
  // times a second: each is one callback-style hook, with no promise of its own unless it must wait.
  const rateLimits = deps.rateLimits;
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // The address counts before the API key is checked, so guessing keys is throttled too.
    if (!rateLimits) return done(gate(request));
    rateLimits.byIp(request.ip).then(() => done(gate(request)), done);
  });
  if (rateLimits) {
    // A request's user counts once it is known. Credentials that only the surface reads (tRPC's connectionParams)
    // and WebSocket operations, which never pass these hooks, count where they are authenticated (request-context.ts).
    app.addHook('preHandler', (request, _reply, done) => {
      if (!carriesCredentials(request)) return done();
      authenticateRequest(request, deps.authenticator).then(
        (user) => rateLimits.byUser(user.id).then(() => done(), done),
        // A bad token is the route's to answer, in its own surface's format.
        () => done(),
      );
    });
  }

  // An answer sent before the request's body was read (413, a 401 on an upload) closes the
  // connection: otherwise node reads the unread rest before the client's next request on it.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (bodyUnread(request)) reply.header('connection', 'close');
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    // The route template, never the raw path: ids stay out of logs' route field and metric labels.
    const route = request.routeOptions.url ?? 'unmatched';
    deps.onRequestDone?.({ method: request.method, route, status: reply.statusCode }, reply.elapsedTime / 1000);
    const level = isRoutineRead(request.method, reply.statusCode, reply.elapsedTime) ? 'debug' : 'info';
    if (deps.logger.isLevelEnabled(level)) {
      request.log[level](
        { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request completed',
      );
    }
    done();
  });

  app.get('/api/health', async (_request, reply) => {
    const report = await checkHealth(deps.version, deps.healthProbes);
    return reply.status(report.status === 'UP' ? 200 : 503).send(report);
  });

  for (const surface of surfaces) await app.register(async (scope) => surface(scope));
  return app;
}

/**
 * What every request must pass before routing goes further, on every surface:
 * the API key for anything routed to (or spelling) `/api/**`, and bounded
 * `Idempotency-Key` / `X-Local-User-Id` headers. Returns the rejection, if any.
 */
function gateRequest(apiKey: string | undefined, request: FastifyRequest): AppError | undefined {
  try {
    if (apiKey && isApiRequest(request.url, request.routeOptions?.url)) {
      checkApiKey(apiKey, {
        xApiKey: headerValue(request, 'x-api-key'),
        xScryonApiKey: headerValue(request, 'x-scryon-api-key'),
      });
    }
  } catch (error) {
    return error as AppError;
  }
  return checkRequestHeaders(request.headers);
}

function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  gate: (request: FastifyRequest) => AppError | undefined,
): FastifyReply {
  const { status, body, unexpected } = renderError(gate(request) ?? error);
  if (unexpected) request.log.error({ err: error }, 'unexpected error');
  else request.log.info({ code: body.error.code, status, fields: fieldsOf(body) }, rejectionLine(status, body));
  reply.header('x-request-id', request.id);
  if (bodyUnread(request)) reply.header('connection', 'close');
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/**
 * Whether the request has a body that has not fully arrived (a
 * bodyless request is complete only after its hooks started).
 */
function bodyUnread(request: FastifyRequest): boolean {
  const raw = request.raw;
  if (raw.complete) return false;
  const length = raw.headers['content-length'];
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The caller of this request; throws the documented 401/403 when there is none. */
/**
 * The request's caller, memoised on it; `authorization` stands in for a
 * header the client could not send (an EventSource's connection params).
 */
export async function authenticateRequest(
  request: FastifyRequest,
  authenticator: Authenticator,
  authorization = headerValue(request, 'authorization'),
): Promise<CurrentUser> {
  request.currentUser ??= await authenticator.authenticate({
    authorization,
    localUserId: headerValue(request, 'x-local-user-id'),
  });
  return request.currentUser;
}

function carriesCredentials(request: FastifyRequest): boolean {
  return request.headers.authorization !== undefined || request.headers['x-local-user-id'] !== undefined;
}

export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
