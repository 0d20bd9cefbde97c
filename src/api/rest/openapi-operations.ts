import { z } from 'zod';
import type { oas31, ZodOpenApiOperationObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import type { Operation, RestBinding } from '../operations/operation.ts';
import { PATH_EXAMPLES, requestExample, responseExample } from './openapi-examples.ts';
import {
  SHARED_ERRORS,
  codesNamedIn,
  describeShared,
  envelopeResponse,
  responseRef,
  type SharedError,
} from './openapi-responses.ts';

/** An operation with its REST binding and the name tRPC mounts it under (`calls.deleteMany`). */
export interface NamedRestOperation {
  name: string;
  operation: Operation & { rest: RestBinding };
}

/** Sent by every surface; declared once and referenced by every operation that changes something. */
export const IDEMPOTENCY_KEY: oas31.ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Any unique string (at most 255 characters). A retry with the same key and the same request replays the ' +
    'first answer for 24 h instead of doing the work again; the same key with a different request is 409.',
  // No example: the docs page would pre-fill it, and a second "Try it out" with other input would be a 409.
  schema: { type: 'string', maxLength: 255 },
};

export const idempotencyKeyRef: oas31.ReferenceObject = { $ref: '#/components/parameters/IdempotencyKey' };

/**
 * The OpenAPI operation of one definition: its own input split as the REST
 * route reads it (path, then query or JSON body), its output, and every error
 * it can answer, its own with its own words and the shared ones by reference.
 */
export function openApiOperation({ name, operation }: NamedRestOperation): ZodOpenApiOperationObject {
  const { rest } = operation;
  const input = splitInput(operation, rest);
  return {
    operationId: name.replace('.', '-'),
    summary: rest.summary,
    ...(input.description ? { description: input.description } : {}),
    tags: rest.tags,
    security: [{ firebase: [] }],
    ...(operation.kind === 'mutation' ? { parameters: [idempotencyKeyRef] } : {}),
    ...(input.path || input.query ? { requestParams: requestParams(input) } : {}),
    ...(input.body ? { requestBody: jsonBody(input.body, name, input.bodyRequired) } : {}),
    responses: {
      ...successResponse(operation, rest),
      ...errorResponses(rest.errorResponses ?? {}, applicableErrors(operation, rest)),
    },
  };
}

interface SplitInput {
  path?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodObject;
  bodyRequired: boolean;
  description?: string;
}

/**
 * Where each input field travels, as rest-routes.ts reads it: path parameters
 * by name, the rest in the query for reads and in a JSON body for writes. A
 * DELETE with more than its path takes either form (the body when there is one).
 */
function splitInput(operation: Operation, rest: RestBinding): SplitInput {
  const shape = inputShape(operation.input);
  const pathNames = [...rest.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const pathShape = pick(shape, (key) => pathNames.includes(key));
  const restShape = pick(shape, (key) => !pathNames.includes(key));
  const path = Object.keys(pathShape).length > 0 ? z.object(withPathExamples(pathShape, rest.path)) : undefined;
  if (Object.keys(restShape).length === 0) return { path, bodyRequired: false };
  const fields = z.object(restShape);
  if (rest.method === 'GET') return { path, query: fields, bodyRequired: false };
  if (rest.method !== 'DELETE') return { path, body: fields, bodyRequired: true };
  const names = Object.keys(restShape)
    .map((key) => `\`${key}\``)
    .join(', ');
  return {
    path,
    query: fields.partial(),
    body: fields,
    bodyRequired: false,
    description: `Send ${names} as a JSON body or in the query (repeat the parameter for each value); the body wins.`,
  };
}

/** The object an input schema parses: through a transform (`.transform` wraps it in a pipe) to its fields. */
function inputShape(schema: z.ZodType): z.ZodRawShape {
  if (schema instanceof z.ZodVoid) return {};
  if (schema instanceof z.ZodObject) return schema.shape;
  if (schema instanceof z.ZodPipe) return inputShape(schema.in as z.ZodType);
  throw new Error(`An operation's REST input must be an object or void, not ${schema.def.type}`);
}

function requestParams({ path, query }: SplitInput) {
  return { ...(path ? { path } : {}), ...(query ? { query } : {}) };
}

/** A path parameter is shown with a real-looking id of the kind the path names. */
function withPathExamples(shape: z.ZodRawShape, path: string): z.ZodRawShape {
  const prefix = Object.keys(PATH_EXAMPLES).find((candidate) => path.startsWith(candidate));
  if (!prefix) return shape;
  const example = PATH_EXAMPLES[prefix];
  return Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, (field as z.ZodType).meta({ example })]));
}

function pick(shape: z.ZodRawShape, keep: (key: string) => boolean): z.ZodRawShape {
  return Object.fromEntries(Object.entries(shape).filter(([key]) => keep(key)));
}

function jsonBody(schema: z.ZodObject, name: string, required: boolean) {
  const example = requestExample(name);
  return {
    required,
    content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
  };
}

function successResponse(operation: Operation, rest: RestBinding): ZodOpenApiResponsesObject {
  const status = rest.successStatus ?? 200;
  if (status === 204) return { '204': { description: 'Done; no body' } };
  const example = responseExample(operation.output);
  const content = { 'application/json': { schema: operation.output, ...(example === undefined ? {} : { example }) } };
  return { [`${status}`]: { description: SUCCESS_DESCRIPTIONS[status] ?? 'OK', content } };
}

const SUCCESS_DESCRIPTIONS: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

/** The shared errors an operation can reach, by what it is: every one is authenticated. */
function applicableErrors(operation: Operation, rest: RestBinding): SharedError[] {
  const errors: SharedError[] = [SHARED_ERRORS.validationFailed, SHARED_ERRORS.unauthorized, SHARED_ERRORS.forbidden];
  if (operation.kind === 'mutation') errors.push(SHARED_ERRORS.idempotencyConflict);
  // Fastify reads a body on every method but GET, whether the route takes one or not.
  if (rest.method !== 'GET') errors.push(SHARED_ERRORS.payloadTooLarge);
  return [...errors, ...HOST_ERRORS];
}

/** What the host itself can answer to any request under /api before or after routing it. */
export const HOST_ERRORS: readonly SharedError[] = [
  SHARED_ERRORS.requestTimeout,
  SHARED_ERRORS.uriTooLong,
  SHARED_ERRORS.rateLimited,
  SHARED_ERRORS.headersTooLarge,
  SHARED_ERRORS.internalError,
  SHARED_ERRORS.serviceUnavailable,
];

/**
 * The operation's own error responses with its own words, and the shared ones
 * by reference. Where both answer one status (a route's own 409 beside the
 * idempotency 409), one response names every code and keeps the shared headers.
 */
export function errorResponses(own: Record<number, string>, shared: readonly SharedError[]): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, description] of Object.entries(own)) {
    const alongside = shared.filter((error) => String(error.status) === status);
    responses[status as `4${string}`] = combined(description, alongside);
  }
  for (const error of shared) {
    const status = String(error.status) as `4${string}`;
    responses[status] ??= responseRef(error);
  }
  return sortedByStatus(responses);
}

function combined(description: string, shared: readonly SharedError[]) {
  const named = codesNamedIn(description);
  const extra = shared.filter((error) => error.codes.some((code) => !named.includes(code)));
  const text = [description, ...extra.map(describeShared)].join('; or ');
  const headers = Object.assign({}, ...shared.map((error) => error.headers ?? {}));
  const codes = [...new Set([...named, ...shared.flatMap((error) => error.codes)])];
  return envelopeResponse(text, codes, Object.keys(headers).length > 0 ? headers : undefined);
}

function sortedByStatus(responses: ZodOpenApiResponsesObject): ZodOpenApiResponsesObject {
  const sorted = Object.entries(responses).sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(sorted) as ZodOpenApiResponsesObject;
}
