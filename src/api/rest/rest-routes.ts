import { TRPCError } from '@trpc/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../trpc/context.ts';
import { toAppError, type ProcedureMeta } from '../trpc/trpc.ts';
import type { AppRouter } from '../trpc/app-router.ts';

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
  type: string;
  /** The procedure itself, called as tRPC's own caller does (without building a caller proxy per request). */
  call: ProcedureCall;
}

type ProcedureCall = (options: { path: string; ctx: RequestContext; getRawInput: () => Promise<unknown>; type: string; signal: undefined; batchIndex: number }) => Promise<unknown>;

/**
 * The REST surface is generated from the tRPC procedures' OpenAPI meta: one
 * Fastify route per procedure, calling the same procedure through a caller.
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
          const data = await procedure.call({
            path: procedure.path,
            ctx: options.createContext(request),
            getRawInput: async () => input,
            type: procedure.type,
            signal: undefined,
            batchIndex: 0,
          });
          return sendSuccess(reply, procedure.meta.successStatus ?? 200, data);
        } catch (error) {
          if (!(error instanceof TRPCError)) throw error;
          const appError = toAppError(error);
          if (appError.code === 'internal_error') request.log.error({ err: error.cause ?? error, procedure: procedure.path }, 'procedure failed');
          throw appError;
        }
      },
    });
  }
}

export function restProcedures(router: AppRouter): RestProcedure[] {
  type Parser = { safeParse(value: unknown): { success: boolean } };
  const procedures = router._def.procedures as unknown as Record<string, ProcedureCall & { _def: { meta?: ProcedureMeta; inputs?: Parser[]; type: string } }>;
  return Object.entries(procedures)
    .filter(([, procedure]) => procedure._def.meta?.openapi)
    .map(([path, procedure]) => ({
      path,
      call: procedure,
      type: procedure._def.type,
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

function sendSuccess(reply: FastifyReply, status: number, data: unknown): FastifyReply {
  if (status === 204) return reply.status(204).send();
  return reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(data));
}
