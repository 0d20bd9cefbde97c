import { tracked } from '@trpc/server';
import type { z } from 'zod';
import {
  executeOperation,
  subscribeAuthed,
  type MutationOperation,
  type QueryOperation,
  type SubscriptionOperation,
} from '../operations/operation.ts';
import { authedProcedure } from './trpc.ts';

/**
 * tRPC procedures built from the operation definitions: the same input and
 * output schemas, the same guards and handler as REST and GraphQL.
 */
export function queryProcedure<Input extends z.ZodType, Output extends z.ZodType>(
  operation: QueryOperation<Input, Output>,
) {
  return typed(operation).query(
    ({ ctx, input }) => executeOperation(operation, ctx, input as z.output<Input>) as Promise<never>,
  );
}

export function mutationProcedure<Input extends z.ZodType, Output extends z.ZodType>(
  operation: MutationOperation<Input, Output>,
) {
  return typed(operation).mutation(
    ({ ctx, input }) => executeOperation(operation, ctx, input as z.output<Input>) as Promise<never>,
  );
}

/** The operation's schemas on an authenticated procedure. */
function typed<Input extends z.ZodType, Output extends z.ZodType>(
  operation: QueryOperation<Input, Output> | MutationOperation<Input, Output>,
) {
  return authedProcedure.input(operation.input).output(operation.output);
}

export function subscriptionProcedure<Input extends z.ZodType, Event>(
  operation: SubscriptionOperation<Input, Event>,
  eventId: (event: Event) => string,
) {
  // Guards run before the stream starts, so a refusal is an ordinary error with its own code, not a failed stream.
  return authedProcedure
    .input(operation.input)
    .subscription(async ({ ctx, input, signal }) =>
      trackedEvents(await subscribeAuthed(operation, ctx, input as z.output<Input>, signal), eventId),
    );
}

async function* trackedEvents<Event>(events: AsyncIterable<Event>, eventId: (event: Event) => string) {
  for await (const event of events) yield tracked(eventId(event), event);
}
