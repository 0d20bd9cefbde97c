import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../observability/logger.ts';
import type { RequestContext } from '../operations/request-context.ts';
import { toGraphqlError } from './graphql-errors.ts';
import { GRAPHQL_WS_LIMITS } from './graphql-limits.ts';

/** What yoga's plugins see as the server context of one graphql-ws operation. */
export interface GraphqlWsServerContext {
  req: IncomingMessage;
  socket: WebSocket;
  params: SubscribePayload;
  /** The inner context of the operation, built from the connection's credentials. */
  graphqlWsContext: RequestContext;
}

export interface GraphqlWsOptions {
  path: string;
  // The yoga instance's contexts are the caller's business:
  // biome-ignore lint/suspicious/noExplicitAny: only getEnveloped is used.
  yoga: Pick<YogaServerInstance<any, any>, 'getEnveloped'>;
  createConnectionContext(authorization: string | undefined, purpose?: 'operation' | 'connection'): RequestContext;
  /** Browser origins (`https://app.example`) allowed to open a WebSocket besides the API's own host; `*` allows any. */
  allowedOrigins: readonly string[];
  logger: Logger;
}

type Enveloped = ReturnType<GraphqlWsOptions['yoga']['getEnveloped']>;

/**
 * graphql-ws on the GraphQL path. Every operation goes through yoga's envelop
 * plugin list, so the limits, the error masking and the prod introspection
 * rule of HTTP apply here too. Around it: the browser origin is checked at the
 * upgrade, messages are capped in size, operations per connection and
 * connections per user in number.
 */
export function registerGraphqlWs(app: FastifyInstance, options: GraphqlWsOptions): void {
  const limits = GRAPHQL_WS_LIMITS;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const connectionsByUser = new Map<string, Set<WebSocket>>();
  // graphql-ws hands the arguments onSubscribe
  // returned to execute/subscribe: that is where
  // they find their enveloped functions.
  const envelopedByArgs = new WeakMap<object, Enveloped>();
  const authorizationOf = (connectionParams: unknown) => {
    const authorization = (connectionParams as { authorization?: unknown } | undefined)?.authorization;
    return typeof authorization === 'string' ? authorization : undefined;
  };
  const errors = (error: unknown) => [toGraphqlError(error, options.logger)];

  const wsServer = useServer<Record<string, unknown> | undefined, { socket: WebSocket; request: IncomingMessage }>(
    {
      // Refuse the connection itself without valid credentials (close 4403), as HTTP answers 401.
      onConnect: async (ctx) => {
        const { socket } = ctx.extra;
        let userId: string;
        try {
          userId = (
            await options.createConnectionContext(authorizationOf(ctx.connectionParams), 'connection').authenticate()
          ).id;
        } catch {
          return false;
        }
        if (socket.readyState !== socket.OPEN) return false;
        const open = connectionsByUser.get(userId) ?? new Set<WebSocket>();
        if (open.size >= limits.maxConnectionsPerUser) {
          // graphql-ws then closes with 4403 as well, which a closing socket ignores: the client sees 4429.
          socket.close(limits.tooManyConnectionsCloseCode, 'Too many connections');
          return false;
        }
        open.add(socket);
        connectionsByUser.set(userId, open);
        socket.once('close', () => {
          open.delete(socket);
          if (open.size === 0 && connectionsByUser.get(userId) === open) connectionsByUser.delete(userId);
        });
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // graphql-ws registers the operation before this hook, so the count includes it.
        if (Object.keys(ctx.subscriptions).length > limits.maxOperationsPerConnection) {
          return [
            new GraphQLError(
              `Too many operations on this connection (at most ${limits.maxOperationsPerConnection} at once)`,
              {
                extensions: { code: 'too_many_operations' },
              },
            ),
          ];
        }
        const serverContext: GraphqlWsServerContext = {
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          graphqlWsContext: options.createConnectionContext(authorizationOf(ctx.connectionParams)),
        };
        const enveloped = options.yoga.getEnveloped(serverContext);
        try {
          const document = enveloped.parse(payload.query);
          const validationErrors = enveloped.validate(enveloped.schema, document);
          if (validationErrors.length > 0)
            return validationErrors.map((error: unknown) => toGraphqlError(error, options.logger));
          const args: ExecutionArgs = {
            schema: enveloped.schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: await enveloped.contextFactory(),
          };
          envelopedByArgs.set(args, enveloped);
          return args;
        } catch (error) {
          // Parsing (the token limit) and graphql-armor's validation rules throw rather than report.
          return errors(error);
        }
      },
      execute: (args) => envelopedByArgs.get(args)!.execute(args) as never,
      subscribe: (args) => envelopedByArgs.get(args)!.subscribe(args) as never,
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((error) => toGraphqlError(error, options.logger)) }
          : result,
      onError: (_ctx, _id, _payload, graphqlErrors) =>
        graphqlErrors.map((error) => toGraphqlError(error, options.logger).toJSON()),
    },
    sockets,
  );

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== options.path) return;
    if (!isAllowedWebSocketOrigin(request.headers, options.allowedOrigins)) {
      options.logger.info({ origin: request.headers.origin }, 'graphql-ws upgrade refused: origin not allowed');
      refuseUpgrade(socket, 403, 'origin_not_allowed', 'This origin may not open a GraphQL WebSocket');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
      sockets.emit('connection', client, request);
      // graphql-ws logs every socket error to the console. The expected ones (a
      // message over maxPayload, a bad frame) are the client's doing, and ws
      // already closes the socket with the matching code (1009, 1002): log them
      // quietly instead, so a client cannot flood stderr.
      client.removeAllListeners('error');
      client.on('error', (error: Error & { code?: string }) =>
        options.logger.info({ code: error.code, reason: error.message }, 'graphql-ws socket error'),
      );
    });
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    app.server.off('upgrade', onUpgrade);
    await wsServer.dispose();
    sockets.close();
  });
}

/**
 * Cross-site WebSocket hijacking guard. Browsers always send `Origin` on a
 * WebSocket handshake and let no page forge it (nor `Host`/`X-Forwarded-Host`),
 * so a page on another site is refused unless listed. Pages on the API's own
 * host name, on any port, are allowed: GraphiQL, and local front-end dev
 * servers (a port is no security boundary between pages of one machine, and
 * the socket carries a token, not cookies). Clients that are not browsers send
 * no `Origin` and authenticate with a token as on HTTP.
 */
export function isAllowedWebSocketOrigin(headers: IncomingHttpHeaders, allowedOrigins: readonly string[]): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  if (!normalized) return false;
  if (allowedOrigins.some((allowed) => allowed.trim() === '*' || normalizeOrigin(allowed) === normalized)) return true;
  const originHost = new URL(normalized).hostname;
  const forwardedHost = headers['x-forwarded-host'];
  const hosts = [headers.host, ...(Array.isArray(forwardedHost) ? forwardedHost : (forwardedHost?.split(',') ?? []))];
  return hosts.some((host) => host !== undefined && hostnameOf(host) === originHost);
}

/** The host name of a `Host` header value (`api.example:8443`, `[::1]:3000`), lower case. */
function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host.trim()}`).hostname;
  } catch {
    return undefined;
  }
}

/** `scheme://host[:port]` in lower case, or undefined for `null` and anything else that is not an http(s) origin. */
function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; ` +
      `charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
