import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import type { RequestContext } from '../trpc/context.ts';
import type { ProcedureMeta } from '../trpc/trpc.ts';
import type { AppRouter } from '../trpc/app-router.ts';
import { procedureSteps, type ProcedureSteps } from './procedure-steps.ts';

export const REST_BASE_PATH = '/api';

export interface RestRoutesOptions {
  router: AppRouter;
  profile: RequestContext['profile'];
  createContext(request: FastifyRequest): RequestContext;
}

interface RestProcedure {
  path: string;
  meta: ProcedureMeta & { openapi: NonNullable<ProcedureMeta['openapi']> };
  /** `z.void()` procedures take no input; everything else gets at least `{}`. */
  takesNoInput: boolean;
  /** The procedure's own steps: authentication, its schemas, its resolver. */
  run: ProcedureSteps;
}

/**
 * The REST surface is generated from the tRPC procedures' OpenAPI meta: one
 * Fastify route per procedure, running that procedure's own steps (its
 * authentication, schemas and resolver; see procedure-steps.ts).
 * Done here rather than by trpc-to-openapi's handler because the Android
 * contract needs exact status codes (202, 204 without a body) and the
 * documented error envelope.
 */
export function registerRestRoutes(app: FastifyInstance, options: RestRoutesOptions): void {
  for (const procedure of restProcedures(options.router)) {
    if (procedure.meta.nonProdOnly && options.profile === 'prod') continue;
    const { method, path } = procedure.meta.openapi;
    app.route({
      method,
      url: `${REST_BASE_PATH}${path.replace(/\{(\w+)\}/g, ':$1')}`,
      handler: async (request, reply) => {
        const input = restInput(request, procedure.takesNoInput);
        try {
          const data = await procedure.run(options.createContext(request), input);
          return sendSuccess(reply, procedure.meta.successStatus ?? 200, data);
        } catch (error) {
          throw asRestError(error, request, procedure.path);
        }
      },
    });
  }
}

export function restProcedures(router: AppRouter): RestProcedure[] {
  type Parser = { safeParse(value: unknown): { success: boolean } };
  const procedures = router._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta; inputs?: Parser[] } }>;
  return Object.entries(procedures)
    .filter(([, procedure]) => procedure._def.meta?.openapi)
    .map(([path, procedure]) => ({
      path,
      run: procedureSteps(path, procedure),
      meta: procedure._def.meta as RestProcedure['meta'],
      takesNoInput: (procedure._def.inputs ?? []).every((input) => input.safeParse(undefined).success && !input.safeParse({}).success),
    }));
}

/** Path params win over query and body, as in trpc-to-openapi. */
function restInput(request: FastifyRequest, takesNoInput: boolean): unknown {
  const params = (request.params ?? {}) as Record<string, string>;
  const source = request.body !== undefined && request.body !== null ? request.body : request.query;
  if (source !== undefined && (typeof source !== 'object' || Array.isArray(source))) return source;
  const merged = { ...(source as Record<string, unknown> | undefined), ...params };
  return takesNoInput && Object.keys(merged).length === 0 ? undefined : merged;
}

/** Domain errors keep their code; anything else is logged and masked as internal_error. */
function asRestError(error: unknown, request: FastifyRequest, path: string): AppError {
  if (error instanceof AppError && error.code !== 'internal_error') return error;
  request.log.error({ err: error, procedure: path }, 'procedure failed');
  return new AppError('internal_error');
}

function sendSuccess(reply: FastifyReply, status: number, data: unknown): FastifyReply {
  if (status === 204) return reply.status(204).send();
  return reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(data));
}
