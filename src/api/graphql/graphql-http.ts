import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createYoga } from 'graphql-yoga';
import { buildGraphqlSchema } from './schema/schema.ts';
import type { Logger } from '../../observability/logger.ts';
import type { RequestContext } from '../operations/request-context.ts';
import { registerGraphiqlAssets, renderLocalGraphiql } from './graphiql-page.ts';
import { toGraphqlError } from './graphql-errors.ts';
import { GRAPHQL_LIMITS, graphqlLimitPlugins } from './graphql-limits.ts';
import {
  handleGraphqlUpload,
  isMultipartRequest,
  uploadOperationPlugin,
  type GraphqlJsonBody,
  type GraphqlContext,
} from './graphql-upload.ts';
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
  /**
   * The context of a multipart upload, built (and authenticated) before its body is read; it carries the pending file.
   */
  uploadContext?: GraphqlContext | undefined;
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
    context: (initial) =>
      initial.graphqlWsContext ?? initial.uploadContext ?? options.createContext(initial.req as FastifyRequest),
    maskedErrors: { maskError: (error) => toGraphqlError(error, options.logger) },
    // Multipart bodies are stream-parsed by graphql-upload.ts; yoga's own parser would buffer them whole.
    multipart: false,
    plugins: [...graphqlLimitPlugins(options.profile), uploadOperationPlugin(options.logger)],
  });
}

/**
 * GraphQL at /graphql: queries and mutations over HTTP (uploads by the
 * multipart request spec, streamed by graphql-upload.ts), subscriptions over SSE and over graphql-ws on the
 * same path, GraphiQL outside prod. One envelop plugin list (token, alias,
 * directive, depth and cost limits; no introspection in prod) applies to every
 * transport. Domain errors keep their code in `extensions.code`; anything else
 * is masked.
 */
export async function registerGraphql(app: FastifyInstance, options: GraphqlOptions): Promise<void> {
  const yoga = createGraphqlYoga(options);

  // Multipart bodies (uploads) are left unread for graphql-upload.ts to stream.
  app.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  app.route({
    url: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    // JSON bodies only (Fastify parses them); a bigger one is answered 413 before it is parsed.
    bodyLimit: GRAPHQL_LIMITS.maxBodyBytes,
    handler: async (request, reply) => {
      if (isMultipartRequest(request)) {
        return handleGraphqlUpload(request, reply, {
          createContext: options.createContext,
          execute: (req, res, body, context) =>
            yoga.fetch(new URL(req.url, 'http://localhost'), jsonRequestInit(req, body), {
              req,
              reply: res,
              uploadContext: context,
            }),
          send: sendYogaResponse,
          logger: options.logger,
        });
      }
      return sendYogaResponse(reply, await yoga.handleNodeRequestAndResponse(request, reply, { req: request, reply }));
    },
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

/**
 * Headers of the body itself and of the connection do not carry over to the JSON request built from a multipart one.
 */
const NOT_FORWARDED = new Set([
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'expect',
  'upgrade',
  'host',
]);

/**
 * The multipart request's operation as the JSON POST yoga reads,
 * with the client's other headers (accept, authorization, …).
 */
function jsonRequestInit(request: FastifyRequest, body: GraphqlJsonBody): RequestInit {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  headers.set('content-type', 'application/json');
  return { method: 'POST', headers, body: JSON.stringify(body) };
}
