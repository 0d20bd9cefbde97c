import type { z } from 'zod';
import { callIdInputSchema } from '../../../calls/call-schemas.ts';
import type { DomainServices } from '../domain-services.ts';
import { defineQuery, type QueryOperation, type RestBinding } from '../operation.ts';

/** Where a read of calls lives on REST: always a GET under the `calls` tag. */
type CallsRest = Omit<RestBinding, 'method' | 'tags'>;

type CallsRead<Input, Output extends z.ZodType> = (
  services: DomainServices,
  userId: string,
  input: Input,
) => Promise<z.input<Output>>;

/** A read of the caller's calls: it sees only the caller's own, whatever the input names. */
export function callsQuery<Input extends z.ZodType, Output extends z.ZodType>(definition: {
  rest?: CallsRest;
  input: Input;
  output: Output;
  read: CallsRead<z.output<Input>, Output>;
}): QueryOperation<Input, Output> {
  return defineQuery({
    ...(definition.rest && { rest: { method: 'GET', tags: ['calls'], ...definition.rest } }),
    input: definition.input,
    output: definition.output,
    handle: (ctx, input) => definition.read(ctx.services, ctx.user.id, input),
  });
}

/** A read of one of the caller's calls by its id: the id's schema is the same for all of them. */
export function callByIdQuery<Output extends z.ZodType>(definition: {
  rest?: CallsRest;
  output: Output;
  read: CallsRead<string, Output>;
}): QueryOperation<typeof callIdInputSchema, Output> {
  return callsQuery({
    rest: definition.rest,
    input: callIdInputSchema,
    output: definition.output,
    read: (services, userId, input) => definition.read(services, userId, input.id),
  });
}
