import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ZodError } from 'zod';
import { AppError, ERROR_CODES, toEnvelope } from '../../errors/app-error.ts';
import type { RequestContext } from './context.ts';

export interface ProcedureMeta extends OpenApiMeta {
  /** REST success status when it is not 200 (202 for analyze, 204 for deletes). */
  successStatus?: 200 | 201 | 202 | 204;
  /** Registered only outside the prod profile (reanalyze). */
  nonProdOnly?: boolean;
}

const t = initTRPC
  .context<RequestContext>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const appError = toAppError(error);
      return { ...shape, message: appError.message, data: { ...shape.data, appError: toEnvelope(appError).error, stack: undefined } };
    },
  });

/** Domain errors keep their code on every surface; anything else is masked. */
export function toAppError(error: TRPCError): AppError {
  const cause = error.cause;
  if (cause instanceof AppError) return cause;
  if (cause instanceof ZodError) return zodToAppError(cause);
  if (error.code === 'NOT_FOUND') return new AppError('not_found');
  if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR') return new AppError('validation_failed', error.message);
  return new AppError('internal_error');
}

export function zodToAppError(error: ZodError): AppError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join('.') || '(root)'] ??= issue.message;
  return new AppError('validation_failed', 'The request is invalid', { fields });
}

/** Makes AppError surface with the tRPC code from the one table in app-error.ts. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    result.error = new TRPCError({ code: ERROR_CODES[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(appErrors);

/** Every user-facing operation: the caller is authenticated before the handler runs. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const user = await ctx.authenticate();
  return next({ ctx: { ...ctx, user } });
});
