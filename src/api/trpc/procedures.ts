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

/** Each event is `tracked` by its id, so the client's link resumes after the last one it received. */
export function subscriptionProcedure<Input extends z.ZodType, Event extends { id: string }>(
  operation: SubscriptionOperation<Input, Event>,
) {
  // Guards run before the stream starts, so a refusal is an ordinary error with its own code, not a failed stream.
  return authedProcedure
    .input(operation.input)
    .subscription(async ({ ctx, input, signal }) =>
      trackedEvents(await subscribeAuthed(operation, ctx, input as z.output<Input>, signal)),
    );
}

async function* trackedEvents<Event extends { id: string }>(events: AsyncIterable<Event>) {
  for await (const event of events) yield tracked(event.id, event);
}
