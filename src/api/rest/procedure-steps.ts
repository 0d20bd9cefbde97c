import { getParseFn, isObject, type ParseFn } from '@trpc/server/unstable-core-do-not-import';
import { ZodError } from 'zod';
import { AppError } from '../../errors/app-error.ts';
import type { RequestContext } from '../trpc/context.ts';
import { authentication, zodToAppError } from '../trpc/trpc.ts';

/** The parts of a built tRPC procedure that say what it does. */
interface ProcedureDefinition {
  type: string;
  meta?: unknown;
  inputs: unknown[];
  output?: unknown;
  middlewares: unknown[];
  resolver?: (options: Record<string, unknown>) => Promise<unknown>;
}

export type ProcedureSteps = (ctx: RequestContext, rawInput: unknown) => Promise<unknown>;

/** A procedure's output did not match its own schema: a bug on our side, never the client's. */
export class OutputValidationError extends Error {
  constructor(path: string, cause: unknown) {
    super(`Output of ${path} failed validation`, { cause });
    this.name = 'OutputValidationError';
  }
}

/**
 * A procedure's own steps for REST: authenticate the caller, parse the input
 * with its schemas, call its resolver, parse the output with its schema.
 * tRPC runs the same steps as a chain of middlewares that copies the call
 * options at every level, which was a third of a status poll's CPU. Only
 * procedures that are exactly that chain qualify (authedProcedure, input and
 * output schemas, resolver); anything else fails at startup, so the two
 * paths cannot drift apart silently.
 */
export function procedureSteps(path: string, procedure: { _def: unknown }): ProcedureSteps {
  const definition = procedure._def as ProcedureDefinition;
  const resolver = definition.resolver;
  const expectedMiddlewares = 1 + definition.inputs.length + (definition.output ? 1 : 0) + 1;
  if (definition.middlewares[0] !== authentication._middlewares[0] || definition.middlewares.length !== expectedMiddlewares || !resolver) {
    throw new Error(`REST procedure ${path} must be an authedProcedure with input/output schemas and no further middleware`);
  }
  const inputParsers = definition.inputs.map((input) => getParseFn(input as Parameters<typeof getParseFn>[0]));
  const outputParser: ParseFn<unknown> | undefined = definition.output ? getParseFn(definition.output as Parameters<typeof getParseFn>[0]) : undefined;

  return async (ctx, rawInput) => {
    const user = await ctx.authenticate();
    let input: unknown;
    for (const parse of inputParsers) {
      let parsed: unknown;
      try {
        parsed = await parse(rawInput);
      } catch (cause) {
        throw cause instanceof ZodError ? zodToAppError(cause) : new AppError('validation_failed', 'The request is invalid');
      }
      // Several input schemas merge their objects, as tRPC's own input step does.
      input = isObject(input) && isObject(parsed) ? { ...(input as object), ...(parsed as object) } : parsed;
    }
    const data = await resolver({ ctx: { ...ctx, user }, input, path, type: definition.type, meta: definition.meta, signal: undefined, getRawInput: async () => rawInput, batchIndex: 0 });
    if (!outputParser) return data;
    try {
      return await outputParser(data);
    } catch (cause) {
      throw new OutputValidationError(path, cause);
    }
  };
}
