import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { AppError, ERROR_CODES } from '../../errors/app-error.ts';
import type { Logger } from '../../observability/logger.ts';

/**
 * graphql ships ESM and CJS builds, and graphql-armor brings its own
 * graphql 16; libraries may hold any of them, so a GraphQLError is recognised
 * by name rather than by `instanceof`.
 */
export function isGraphqlError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

/**
 * The one mapping of errors to what a GraphQL client sees, on every transport:
 * domain errors (and Pothos's argument checks) keep their code in
 * `extensions.code`, GraphQL's own (syntax, validation, limits) keep message
 * and extensions, anything else is masked.
 * Always answers an error of this module's graphql, which graphql-ws insists on.
 */
export function toGraphqlError(error: unknown, logger: Logger): GraphQLError {
  const original = isGraphqlError(error) ? (error.originalError ?? error) : error;
  // Pothos refuses connection arguments it cannot page by (first < 0, a cursor it did not issue): the client's mistake.
  const appError =
    findAppError(original) ??
    (original instanceof PothosValidationError ? new AppError('validation_failed', original.message) : undefined);
  if (appError) {
    return new GraphQLError(appError.message, {
      extensions: {
        code: appError.code,
        http: { status: ERROR_CODES[appError.code].status },
        ...(appError.details ? { details: appError.details } : {}),
      },
    });
  }
  if (isGraphqlError(error) && (!error.originalError || isGraphqlError(error.originalError)))
    return new GraphQLError(error.message, { extensions: error.extensions });
  logger.error({ err: original }, 'graphql resolver failed');
  return new GraphQLError('Internal server error', { extensions: { code: 'internal_error', http: { status: 500 } } });
}

function findAppError(error: unknown): AppError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof AppError) return current;
    current =
      (current as { originalError?: unknown; cause?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return undefined;
}
