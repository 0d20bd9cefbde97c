import { z } from 'zod';
import { AppError } from '../../errors/app-error.ts';
import { runIdempotent } from '../../idempotency/idempotency-service.ts';
import { refuseUnstorableText } from '../../validation/storable-text.ts';
import type { CurrentUser } from '../../users/identity.ts';
import type { RequestContext } from './request-context.ts';

/** The context a handler sees: the caller is known. */
export type AuthedContext = RequestContext & { user: CurrentUser };

/** Where an operation lives on the REST surface, read by the route table and the OpenAPI document. */
export interface RestBinding {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below `/api`, with `{param}` placeholders. */
  path: `/${string}`;
  summary: string;
  tags: string[];
  /** The route's own errors by status, each description naming its codes; shared errors are added by the document. */
  errorResponses?: Record<number, string>;
  /** When it is not 200: 201 create, 202 analyze, 204 body-less mutations. */
  successStatus?: 200 | 201 | 202 | 204;
}

interface OperationBase<Input extends z.ZodType, Output extends z.ZodType> {
  input: Input;
  output: Output;
  rest?: RestBinding;
  /** The operation does not exist in the prod profile (reanalyze). */
  nonProdOnly?: boolean;
  handle(ctx: AuthedContext, input: z.output<Input>): Promise<z.input<Output>>;
}

export interface QueryOperation<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType>
  extends OperationBase<Input, Output> {
  kind: 'query';
}

export interface MutationOperation<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType>
  extends OperationBase<Input, Output> {
  kind: 'mutation';
  /** The name a retry's `Idempotency-Key` is bound to; the same on every surface. */
  idempotencyName: string;
}

export type Operation = QueryOperation | MutationOperation;

/** A stream of events for the caller; the stream ends when `signal` aborts or its consumer returns. */
export interface SubscriptionOperation<Input extends z.ZodType = z.ZodType, Event = unknown> {
  kind: 'subscription';
  input: Input;
  subscribe(ctx: AuthedContext, input: z.output<Input>, signal: AbortSignal | undefined): AsyncIterable<Event>;
}

export function defineQuery<Input extends z.ZodType, Output extends z.ZodType>(
  definition: Omit<QueryOperation<Input, Output>, 'kind'>,
): QueryOperation<Input, Output> {
  return { kind: 'query', ...definition };
}

export function defineMutation<Input extends z.ZodType, Output extends z.ZodType>(
  definition: Omit<MutationOperation<Input, Output>, 'kind'>,
): MutationOperation<Input, Output> {
  return { kind: 'mutation', ...definition };
}

export function defineSubscription<Input extends z.ZodType, Event>(
  definition: Omit<SubscriptionOperation<Input, Event>, 'kind'>,
): SubscriptionOperation<Input, Event> {
  return { kind: 'subscription', ...definition };
}

/** An operation that takes no input (`z.void()`); REST passes it nothing rather than `{}`. */
export function takesNoInput(operation: Operation): boolean {
  return operation.input instanceof z.ZodVoid;
}

/**
 * The whole of an operation for surfaces that hand over raw input (REST,
 * GraphQL): authenticate, parse with the operation's schema, run its guards
 * and handler, check the answer against its output schema. tRPC parses with
 * the same schemas itself and calls `executeOperation`.
 */
export async function runOperation<Input extends z.ZodType, Output extends z.ZodType>(
  operation: QueryOperation<Input, Output> | MutationOperation<Input, Output>,
  ctx: RequestContext,
  rawInput: unknown,
): Promise<z.output<Output>> {
  const user = await ctx.authenticate();
  const input = parseInput(operation.input, rawInput);
  const data = await executeOperation(operation, { ...ctx, user }, input);
  const checked = operation.output.safeParse(data);
  if (!checked.success) throw new OutputValidationError(operation, checked.error);
  return checked.data;
}

/** A subscription for surfaces that hand over raw input (GraphQL over SSE and WebSocket). */
export async function openSubscription<Input extends z.ZodType, Event>(
  operation: SubscriptionOperation<Input, Event>,
  ctx: RequestContext,
  rawInput: unknown,
  signal?: AbortSignal,
): Promise<AsyncIterable<Event>> {
  const user = await ctx.authenticate();
  return subscribeAuthed(operation, { ...ctx, user }, parseInput(operation.input, rawInput), signal);
}

/**
 * Guards of an authenticated subscription with parsed input: a bounded
 * number are open per user. It was counted against the user's rate limit
 * when its request (or WebSocket operation) was authenticated.
 */
export async function subscribeAuthed<Input extends z.ZodType, Event>(
  operation: SubscriptionOperation<Input, Event>,
  ctx: AuthedContext,
  input: z.output<Input>,
  signal: AbortSignal | undefined,
): Promise<AsyncIterable<Event>> {
  refuseUnstorableText(input);
  return ctx.edge.subscriptions.hold(ctx.user.id, operation.subscribe(ctx, input, signal));
}

/** Guards and handler of an authenticated call with parsed input. */
export async function executeOperation<Input extends z.ZodType, Output extends z.ZodType>(
  operation: QueryOperation<Input, Output> | MutationOperation<Input, Output>,
  ctx: AuthedContext,
  input: z.output<Input>,
): Promise<z.input<Output>> {
  // Like the missing REST route, the operation does not exist in prod on any surface.
  if (operation.nonProdOnly && ctx.profile === 'prod') throw new AppError('not_found');
  refuseUnstorableText(input);
  if (operation.kind === 'query') return operation.handle(ctx, input);
  const response = await runIdempotent(ctx.services.idempotency, {
    userId: ctx.user.id,
    key: ctx.nextIdempotencyKey ? ctx.nextIdempotencyKey() : ctx.idempotencyKey,
    operation: operation.idempotencyName,
    input: input ?? null,
    successStatus: 200,
    execute: () => operation.handle(ctx, input),
  });
  return (response.body ?? undefined) as z.input<Output>;
}

export function parseInput<Input extends z.ZodType>(schema: Input, rawInput: unknown): z.output<Input> {
  const parsed = schema.safeParse(rawInput);
  if (!parsed.success) throw zodToAppError(parsed.error);
  return parsed.data;
}

export function zodToAppError(error: z.ZodError): AppError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join('.') || '(root)'] ??= issue.message;
  return new AppError('validation_failed', 'The request is invalid', { fields });
}

/** An operation's answer did not match its own schema: a bug on our side, never the client's. */
export class OutputValidationError extends Error {
  constructor(operation: Operation, cause: unknown) {
    super(`Output of ${operation.rest?.path ?? operation.kind} failed validation`, { cause });
    this.name = 'OutputValidationError';
  }
}
