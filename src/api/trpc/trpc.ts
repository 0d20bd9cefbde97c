import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { AppError, ERROR_CODES, toEnvelope } from '../../errors/app-error.ts';
import { zodToAppError } from '../operations/operation.ts';
import type { RequestContext } from '../operations/request-context.ts';

const t = initTRPC.context<RequestContext>().create({
  errorFormatter({ shape, error }) {
    const appError = toAppError(error);
    return {
      ...shape,
      message: appError.message,
      data: { ...shape.data, appError: toEnvelope(appError).error, stack: undefined },
    };
  },
});

/** Domain errors keep their code on every surface; anything else is masked. */
export function toAppError(error: TRPCError): AppError {
  const cause = error.cause;
  if (cause instanceof AppError) return cause;
  if (cause instanceof ZodError) return zodToAppError(cause);
  if (error.code === 'NOT_FOUND' || error.code === 'METHOD_NOT_SUPPORTED') return new AppError('not_found');
  if (error.code === 'BAD_REQUEST' || error.code === 'PARSE_ERROR' || error.code === 'UNSUPPORTED_MEDIA_TYPE')
    return new AppError('validation_failed', error.message);
  if (error.code === 'PAYLOAD_TOO_LARGE') return new AppError('payload_too_large', 'The request body is too large');
  return new AppError('internal_error');
}

/** An AppError as the TRPCError with its code from the one table in app-error.ts. */
function asTrpcError(cause: AppError): TRPCError {
  return new TRPCError({ code: ERROR_CODES[cause.code].trpc, message: cause.message, cause });
}

/**
 * A domain error thrown further down the chain (input parsing, the
 * resolver) leaves with its own tRPC code, not INTERNAL_SERVER_ERROR.
 */
function withAppErrors<Result extends { ok: boolean; error?: TRPCError }>(result: Result): Result {
  if (!result.ok && result.error?.cause instanceof AppError) result.error = asTrpcError(result.error.cause);
  return result;
}

export const router = t.router;

/** Authenticates the caller before the input is parsed, as REST and GraphQL do, and maps domain errors. */
export const authentication = t.middleware(async ({ ctx, next }) => {
  const user = await ctx.authenticate().catch((error: unknown) => {
    throw error instanceof AppError ? asTrpcError(error) : error;
  });
  return withAppErrors(await next({ ctx: { ...ctx, user } }));
});

/** Every user-facing operation. */
export const authedProcedure = t.procedure.use(authentication);
