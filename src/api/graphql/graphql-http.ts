import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createYoga } from 'graphql-yoga';
import { AppError } from '../../errors/app-error.ts';
import { buildGraphqlSchema } from './schema/schema.ts';
import type { Logger } from '../../observability/logger.ts';
import type { RequestContext } from '../operations/request-context.ts';
import { registerGraphiqlAssets, renderLocalGraphiql } from './graphiql-page.ts';
import { toGraphqlError } from './graphql-errors.ts';
import { GRAPHQL_LIMITS, graphqlLimitPlugins } from './graphql-limits.ts';
import { registerGraphqlWs, type GraphqlWsServerContext } from './graphql-ws.ts';

export interface GraphqlOptions {
  createContext(request: FastifyRequest): RequestContext;
  createConnectionContext(authorization: string | undefined, purpose?: 'operation' | 'connection'): RequestContext;
  profile: RequestContext['profile'];
  logger: Logger;
  /**
   * Browser origins allowed to open the graphql-ws WebSocket, besides pages of
   * the API's own host; default none. Requests without `Origin` (not browsers)
   * are always allowed: they authenticate with a token.
   */
  allowedOrigins?: readonly string[] | undefined;
}

export const GRAPHQL_PATH = '/graphql';

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
    // Yoga's own page loads GraphiQL from a CDN; this one from the installed packages.
    renderGraphiQL: renderLocalGraphiql,
    landingPage: false,
    // CORS is the host's, from the allow-list; yoga's default reflects any Origin.
    cors: false,
    logging: false,
    context: (initial) => initial.graphqlWsContext ?? options.createContext(initial.req as FastifyRequest),
    maskedErrors: { maskError: (error) => toGraphqlError(error, options.logger) },
    // A recording goes to an upload (createUpload, then submitCall): yoga's multipart parser would buffer it whole.
    multipart: false,
    plugins: graphqlLimitPlugins(options.profile),
  });
}

/**
 * GraphQL at /graphql: queries and mutations over HTTP (JSON only: a
 * recording is sent to an upload), subscriptions over SSE and over graphql-ws
 * on the same path, GraphiQL outside prod. One envelop plugin list (token, alias,
 * directive, depth and cost limits; no introspection in prod) applies to every
 * transport. Domain errors keep their code in `extensions.code`; anything else
 * is masked.
 */
export async function registerGraphql(app: FastifyInstance, options: GraphqlOptions): Promise<void> {
  const yoga = createGraphqlYoga(options);

  // Refused before a byte is read, with the way that works, rather than Fastify's bare "unsupported".
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => {
    const message =
      'GraphQL takes JSON: open an upload with createUpload, PUT the recording to its uploadUrl, then call submitCall';
    done(new AppError('validation_failed', message));
  });

  app.route({
    url: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    // JSON bodies only (Fastify parses them); a bigger one is answered 413 before it is parsed.
    bodyLimit: GRAPHQL_LIMITS.maxBodyBytes,
    handler: async (request, reply) =>
      sendYogaResponse(reply, await yoga.handleNodeRequestAndResponse(request, reply, { req: request, reply })),
  });

  if (options.profile !== 'prod') registerGraphiqlAssets(app);

  registerGraphqlWs(app, {
    path: GRAPHQL_PATH,
    yoga,
    createConnectionContext: options.createConnectionContext,
    allowedOrigins: options.allowedOrigins ?? [],
    logger: options.logger,
  });
}

function sendYogaResponse(reply: FastifyReply, response: Response): FastifyReply {
  response.headers.forEach((value, key) => void reply.header(key, value));
  reply.status(response.status);
  reply.send(response.body);
  return reply;
}
