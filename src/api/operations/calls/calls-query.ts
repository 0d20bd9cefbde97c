import type { z } from 'zod';
import { callIdInputSchema } from '../../../calls/call-schemas.ts';
import type { Services } from '../../../app/services.ts';
import { defineQuery, type QueryOperation, type RestBinding } from '../operation.ts';

/** A read of one of the caller's calls by its id: the id's schema and the caller's scope are the same for all of them. */
export function callByIdQuery<Output extends z.ZodType>(definition: {
  rest?: Omit<RestBinding, 'method' | 'tags'>;
  output: Output;
  read: (services: Services, userId: string, callId: string) => Promise<z.input<Output>>;
}): QueryOperation<typeof callIdInputSchema, Output> {
  return defineQuery({
    ...(definition.rest && { rest: { method: 'GET', tags: ['calls'], ...definition.rest } }),
    input: callIdInputSchema,
    output: definition.output,
    handle: (ctx, input) => definition.read(ctx.services, ctx.user.id, input.id),
  });
}
