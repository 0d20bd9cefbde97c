import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createYoga } from 'graphql-yoga';
import { buildGraphqlSchema } from '../../../schema/schema.ts';
import type { Logger } from '../../observability/logger.ts';
import type { RequestContext } from '../trpc/context.ts';
import { toGraphqlError } from './graphql-errors.ts';
import { GRAPHQL_LIMITS, graphqlLimitPlugins } from './graphql-limits.ts';
import { registerGraphqlWs, type GraphqlWsServerContext } from './graphql-ws.ts';

export interface GraphqlOptions {
  createContext(request: FastifyRequest): RequestContext;
  createConnectionContext(authorization: string | undefined): RequestContext;
  profile: RequestContext['profile'];
  logger: Logger;
  /**
   * Browser origins allowed to open the graphql-ws WebSocket, besides pages of
   * the API's own host; default none. Requests without `Origin` (not browsers)
   * are always allowed: they authenticate with a token.
   */
  allowedOrigins?: readonly string[] | undefined;
}

const GRAPHQL_PATH = '/graphql';

interface HttpServerContext {
  req: FastifyRequest;
  reply: FastifyReply;
  graphqlWsContext?: undefined;
}

/**
 * The yoga instance behind every transport: schema of the profile, the limit
 * plugins, error masking. Exported so tests can check the prod configuration
 * without a prod deployment.
 */
export function createGraphqlYoga(options: Pick<GraphqlOptions, 'createContext' | 'profile' | 'logger'>) {
  return createYoga<HttpServerContext | GraphqlWsServerContext>({
    schema: buildGraphqlSchema(options.profile),
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: options.profile !== 'prod' ? { subscriptionsProtocol: 'WS' } : false,
    landingPage: false,
    logging: false,
    context: (initial) => (initial.graphqlWsContext ? initial.graphqlWsContext : options.createContext(initial.req as FastifyRequest)),
    maskedErrors: { maskError: (error) => toGraphqlError(error, options.logger) },
    plugins: graphqlLimitPlugins(options.profile),
  });
}

/**
 * GraphQL at /graphql: queries and mutations over HTTP (uploads by the
 * multipart request spec), subscriptions over SSE and over graphql-ws on the
 * same path, GraphiQL outside prod. One envelop plugin list (token, alias,
 * directive, depth and cost limits; no introspection in prod) applies to every
 * transport. Domain errors keep their code in `extensions.code`; anything else
 * is masked.
 */
export async function registerGraphql(app: FastifyInstance, options: GraphqlOptions): Promise<void> {
  const yoga = createGraphqlYoga(options);

  // Yoga reads multipart bodies (uploads) itself.
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  app.route({
    url: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    // JSON bodies only (Fastify parses them); a bigger one is answered 413 before it is parsed.
    bodyLimit: GRAPHQL_LIMITS.maxBodyBytes,
    handler: async (request, reply) => {
      const response = await yoga.handleNodeRequestAndResponse(request, reply, { req: request, reply });
      response.headers.forEach((value, key) => void reply.header(key, value));
      reply.status(response.status);
      reply.send(response.body);
      return reply;
    },
  });

  registerGraphqlWs(app, {
    path: GRAPHQL_PATH,
    yoga,
    createConnectionContext: options.createConnectionContext,
    allowedOrigins: options.allowedOrigins ?? [],
    logger: options.logger,
  });
}
