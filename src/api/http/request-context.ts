import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { DomainServices } from '../operations/domain-services.ts';
import type { Authenticator } from '../../auth/authenticator.ts';
import type { CurrentUser } from '../../users/identity.ts';
import type { EdgeKit } from '../operations/edge-kit.ts';
import { idempotencyKeySlots, memoizeAuthentication, type RequestContext } from '../operations/request-context.ts';
import { authenticateRequest, headerValue } from './server.ts';

export interface ContextFactoryDeps {
  services: DomainServices;
  edge: EdgeKit;
  authenticator: Authenticator;
  profile: RequestContext['profile'];
}

/** Builds the shared inner context from a Fastify request, for REST, tRPC and GraphQL alike. */
export function contextFactory(deps: ContextFactoryDeps) {
  return (request: FastifyRequest, connectionParams?: Record<string, string | undefined> | null): RequestContext => {
    const idempotencyKey = headerValue(request, 'idempotency-key')?.trim() || undefined;
    return {
      services: deps.services,
      edge: deps.edge,
      requestId: request.id,
      profile: deps.profile,
      idempotencyKey,
      nextIdempotencyKey: idempotencyKeySlots(idempotencyKey),
      authenticate: memoizeAuthentication(async () => {
        const authorization = connectionParams?.authorization;
        if (!authorization || request.headers.authorization) return authenticateRequest(request, deps.authenticator);
        // The host's hook counted the request before these credentials were known: they count here instead.
        return countedAgainstTheUser(deps.edge, await authenticateRequest(request, deps.authenticator, authorization));
      }),
    };
  };
}

/**
 * The same inner context for one operation of a long-lived connection
 * (graphql-ws), authenticated from its connection params. Its messages never
 * pass the host's hooks, so each operation counts against its user here, as
 * a request does there; opening the connection does not.
 */
export function connectionContextFactory(deps: ContextFactoryDeps) {
  return (authorization: string | undefined, purpose: 'operation' | 'connection' = 'operation'): RequestContext => ({
    services: deps.services,
    edge: deps.edge,
    requestId: randomUUID(),
    profile: deps.profile,
    authenticate: memoizeAuthentication(async () => {
      const user = await deps.authenticator.authenticate({ authorization });
      return purpose === 'operation' ? countedAgainstTheUser(deps.edge, user) : user;
    }),
  });
}

async function countedAgainstTheUser(edge: EdgeKit, user: CurrentUser): Promise<CurrentUser> {
  await edge.rateLimits.byUser(user.id);
  return user;
}
