import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { restOperations } from '../operations/index.ts';
import { runOperation, takesNoInput, type RestBinding } from '../operations/operation.ts';
import type { RequestContext } from '../operations/request-context.ts';

export const REST_BASE_PATH = '/api';

export interface RestRoutesOptions {
  profile: RequestContext['profile'];
  createContext(request: FastifyRequest): RequestContext;
}

/**
 * One Fastify route per operation with a REST binding, running the
 * operation's own definition (the same one tRPC and GraphQL run), with the
 * Android contract's exact statuses (202, 204 without a body) and the
 * documented error envelope.
 */
export function registerRestRoutes(app: FastifyInstance, options: RestRoutesOptions): void {
  for (const operation of restOperations()) {
    if (operation.nonProdOnly && options.profile === 'prod') continue;
    const noInput = takesNoInput(operation);
    app.route({
      method: operation.rest.method,
      url: restUrl(operation.rest),
      handler: async (request, reply) => {
        try {
          const data = await runOperation(operation, options.createContext(request), restInput(request, noInput));
          return sendSuccess(reply, operation.rest.successStatus ?? 200, data);
        } catch (error) {
          throw asRestError(error, request, operation.rest);
        }
      },
    });
  }
}

function restUrl(rest: RestBinding): string {
  return `${REST_BASE_PATH}${rest.path.replace(/\{(\w+)\}/g, ':$1')}`;
}

/** Path params win over query and body; a body, when there is one, wins over the query. */
function restInput(request: FastifyRequest, noInput: boolean): unknown {
  const params = (request.params ?? {}) as Record<string, string>;
  const source = request.body !== undefined && request.body !== null ? request.body : request.query;
  if (source !== undefined && (typeof source !== 'object' || Array.isArray(source))) return source;
  const merged = { ...(source as Record<string, unknown> | undefined), ...params };
  return noInput && Object.keys(merged).length === 0 ? undefined : merged;
}

/** Domain errors keep their code; anything else is logged and masked as internal_error. */
function asRestError(error: unknown, request: FastifyRequest, rest: RestBinding): AppError {
  if (error instanceof AppError && error.code !== 'internal_error') return error;
  request.log.error({ err: error, route: `${rest.method} ${rest.path}` }, 'operation failed');
  return new AppError('internal_error');
}

function sendSuccess(reply: FastifyReply, status: number, data: unknown): FastifyReply {
  if (status === 204) return reply.status(204).send();
  return reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(data));
}
