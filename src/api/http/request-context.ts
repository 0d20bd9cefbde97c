import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../app/services.ts';
import type { Authenticator } from '../../auth/authenticator.ts';
import { memoizeAuthentication, type RequestContext } from '../trpc/context.ts';
import { authenticateRequest, headerValue } from './server.ts';

export interface ContextFactoryDeps {
  services: Services;
  authenticator: Authenticator;
  profile: RequestContext['profile'];
}

/** Builds the shared inner context from a Fastify request, for REST, tRPC and GraphQL alike. */
export function contextFactory(deps: ContextFactoryDeps) {
  return (request: FastifyRequest, connectionParams?: Record<string, string | undefined> | null): RequestContext => ({
    services: deps.services,
    requestId: request.id,
    profile: deps.profile,
    idempotencyKey: headerValue(request, 'idempotency-key')?.trim() || undefined,
    authenticate: memoizeAuthentication(() => {
      const authorization = connectionParams?.authorization;
      if (authorization && !request.headers.authorization) request.headers.authorization = authorization;
      return authenticateRequest(request, deps.authenticator);
    }),
  });
}

/** The same inner context for a long-lived connection (graphql-ws), authenticated from its connection params. */
export function connectionContextFactory(deps: ContextFactoryDeps) {
  return (authorization: string | undefined): RequestContext => ({
    services: deps.services,
    requestId: randomUUID(),
    profile: deps.profile,
    authenticate: memoizeAuthentication(() => deps.authenticator.authenticate({ authorization })),
  });
}
