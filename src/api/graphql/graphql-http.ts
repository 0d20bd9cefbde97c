import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { buildGraphqlSchema } from '../../../schema/schema.ts';
import { AppError, ERROR_CODES } from '../../errors/app-error.ts';
import type { Logger } from '../../observability/logger.ts';
import type { RequestContext } from '../trpc/context.ts';

export interface GraphqlOptions {
  createContext(request: FastifyRequest): RequestContext;
  createConnectionContext(authorization: string | undefined): RequestContext;
  profile: RequestContext['profile'];
  logger: Logger;
}

const GRAPHQL_PATH = '/graphql';

/**
 * GraphQL at /graphql: queries and mutations over HTTP (uploads by the
 * multipart request spec), subscriptions over SSE and over graphql-ws on the
 * same path, depth and cost limits, GraphiQL outside prod. Domain errors keep
 * their code in `extensions.code`; anything else is masked.
 */
export async function registerGraphql(app: FastifyInstance, options: GraphqlOptions): Promise<void> {
  const schema = buildGraphqlSchema(options.profile);
  const yoga = createYoga<{ req: FastifyRequest; reply: FastifyReply }>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: options.profile !== 'prod' ? { subscriptionsProtocol: 'WS' } : false,
    landingPage: false,
    logging: false,
    context: ({ req }) => options.createContext(req),
    maskedErrors: { maskError: (error) => toGraphqlError(error, options.logger) },
    // The schema is at most five levels deep; the depth limit guards against
    // future nesting, the cost limit against wide (aliased) queries today.
    plugins: [maxDepthPlugin({ n: 8, exposeLimits: true }), costLimitPlugin({ maxCost: 5_000, exposeLimits: true })],
  });

  // Yoga reads multipart bodies (uploads) itself.
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  app.route({
    url: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    handler: async (request, reply) => {
      const response = await yoga.handleNodeRequestAndResponse(request, reply, { req: request, reply });
      response.headers.forEach((value, key) => void reply.header(key, value));
      reply.status(response.status);
      reply.send(response.body);
      return reply;
    },
  });

  const sockets = new WebSocketServer({ noServer: true });
  const wsServer = useServer(
    {
      schema,
      context: (ctx) => {
        const authorization = (ctx.connectionParams as { authorization?: unknown } | undefined)?.authorization;
        return options.createConnectionContext(typeof authorization === 'string' ? authorization : undefined);
      },
      // Refuse the connection itself without valid credentials (close 4403), as HTTP answers 401.
      onConnect: async (ctx) => {
        const authorization = (ctx.connectionParams as { authorization?: unknown } | undefined)?.authorization;
        try {
          await options.createConnectionContext(typeof authorization === 'string' ? authorization : undefined).authenticate();
          return true;
        } catch {
          return false;
        }
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => toGraphqlError(error, options.logger)) } : result,
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => toGraphqlError(error, options.logger).toJSON()),
    },
    sockets,
  );
  const onUpgrade = (request: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== GRAPHQL_PATH) return;
    sockets.handleUpgrade(request, socket, head, (client) => sockets.emit('connection', client, request));
  };
  app.server.on('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    app.server.off('upgrade', onUpgrade);
    await wsServer.dispose();
    sockets.close();
  });
}

/**
 * graphql ships ESM and CJS builds; libraries may hold either, so a
 * GraphQLError is recognised by name rather than by `instanceof`.
 */
function isGraphqlError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

function toGraphqlError(error: unknown, logger: Logger): GraphQLError {
  const original = isGraphqlError(error) ? (error.originalError ?? error) : error;
  const appError = findAppError(original);
  if (appError) {
    return new GraphQLError(appError.message, {
      extensions: { code: appError.code, http: { status: ERROR_CODES[appError.code].status }, ...(appError.details ? { details: appError.details } : {}) },
    });
  }
  if (isGraphqlError(error) && (!error.originalError || isGraphqlError(error.originalError))) return new GraphQLError(error.message, { extensions: error.extensions });
  logger.error({ err: original }, 'graphql resolver failed');
  return new GraphQLError('Internal server error', { extensions: { code: 'internal_error', http: { status: 500 } } });
}

function findAppError(error: unknown): AppError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof AppError) return current;
    current = (current as { originalError?: unknown; cause?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return undefined;
}
