import cors from '@fastify/cors';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** What a browser client of any surface may send and read across origins. */
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const EXPOSED_HEADERS = ['X-Request-Id', 'Retry-After'];
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for every surface (REST, tRPC, GraphQL) is the host's decision, from
 * `SCRYON_CORS_ALLOWED_ORIGINS` only: an allowed origin gets
 * `Access-Control-Allow-Origin` with itself (no credentials: callers
 * authenticate with a bearer token, not cookies); any other origin, and every
 * origin when the list is empty, gets no CORS header at all. A surface that
 * adds its own (graphql-yoga does unless told `cors: false`) has them removed
 * for an origin outside the list, and its allowed origin and credentials
 * overridden for one inside, before the response leaves.
 */
export async function registerCors(app: FastifyInstance, allowedOrigins: readonly string[]): Promise<void> {
  const allowed = new Set(allowedOrigins);
  const isAllowed = (origin: unknown): origin is string => typeof origin === 'string' && allowed.has(origin);

  app.addHook('onSend', (request, reply, payload, done) => {
    const origin = request.headers.origin;
    // A web Response payload (tRPC sends one) brings headers that Fastify applies after this hook.
    const targets = [replyHeaders(reply), ...(payload instanceof Response ? [fetchHeaders(payload.headers)] : [])];
    for (const headers of targets) {
      if (!isAllowed(origin)) {
        for (const name of headers.names()) if (name.startsWith('access-control-')) headers.remove(name);
      } else if (headers.get('access-control-allow-origin') !== undefined) {
        headers.set('access-control-allow-origin', origin);
        headers.remove('access-control-allow-credentials');
      }
    }
    // The answer depends on Origin whenever there is a list, even where a surface set its own Vary.
    if (allowed.size > 0) varyOnOrigin(targets.findLast((headers) => headers.get('vary') !== undefined) ?? targets[0]!);
    done(null, payload);
  });
  if (allowed.size === 0) return;

  await app.register(cors, {
    // Runs before authentication, so a preflight (which carries no credentials) is answered.
    hook: 'onRequest',
    origin: (origin, callback) => callback(null, isAllowed(origin) ? origin : false),
    methods: ALLOWED_METHODS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    // A preflight-looking OPTIONS without Access-Control-Request-Method is not answered in plain text.
    strictPreflight: false,
  });
}

interface HeaderAccess {
  names(): string[];
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  remove(name: string): void;
}

function replyHeaders(reply: FastifyReply): HeaderAccess {
  return {
    names: () => Object.keys(reply.getHeaders()).map((name) => name.toLowerCase()),
    get: (name) => {
      const value = reply.getHeader(name);
      return value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : String(value);
    },
    set: (name, value) => void reply.header(name, value),
    remove: (name) => void reply.removeHeader(name),
  };
}

function fetchHeaders(headers: Headers): HeaderAccess {
  return {
    names: () => [...headers.keys()],
    get: (name) => headers.get(name) ?? undefined,
    set: (name, value) => headers.set(name, value),
    remove: (name) => headers.delete(name),
  };
}

function varyOnOrigin(headers: HeaderAccess): void {
  const values = (headers.get('vary') ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  if (values.some((value) => value === '*' || value.toLowerCase() === 'origin')) return;
  headers.set('vary', [...values, 'Origin'].join(', '));
}
