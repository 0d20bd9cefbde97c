import { z } from 'zod';
import { createDocument, type oas31, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import type { Profile } from '../../config/config.ts';
import { operations } from '../operations/index.ts';
import { apiIndexSchema } from '../front/api-index.ts';
import { exampleOf } from './openapi-examples.ts';
import { IDEMPOTENCY_KEY, openApiOperation, type NamedRestOperation } from './openapi-operations.ts';
import { envelopeResponse, SHARED_ERRORS, responseRef, sharedResponseComponents } from './openapi-responses.ts';
import { UPLOAD_PATHS } from './upload-paths.ts';

export type OpenApiDocument = oas31.OpenAPIObject;

const DESCRIPTION =
  'Upload a phone-call recording; get a speaker-attributed transcript, a structured analysis and action items. ' +
  'Every error is `{"error":{"code","message","details"?}}`; each response names the codes it can carry.';

const LICENSE = { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' };

const healthReportSchema = z
  .object({
    status: z.enum(['UP', 'DOWN']),
    version: z.string(),
    components: z
      .record(z.string(), z.enum(['UP', 'DOWN']))
      .optional()
      .describe('Each dependency (database, temporal); present when DOWN'),
  })
  .meta({ id: 'HealthReport' });

/**
 * The OpenAPI 3.1 document of the REST surface, generated straight from the
 * operation definitions (src/api/operations): each one's zod input and output,
 * its REST binding and its own error responses, plus the two streamed uploads
 * and the host's own routes. Every schema registered with `.meta({ id })`
 * becomes `components.schemas[id]`, referenced as `#/components/schemas/<id>`.
 */
export function buildOpenApiDocument(version: string, profile: Profile = 'dev'): OpenApiDocument {
  return createDocument(
    {
      openapi: '3.1.0',
      info: { title: 'Scryon API', description: DESCRIPTION, version, license: LICENSE },
      servers: [{ url: '/api', description: 'This server' }],
      tags: TAGS,
      paths: sortedPaths({ ...operationPaths(profile), ...HOST_PATHS }),
      components: {
        securitySchemes: { firebase: { type: 'http', scheme: 'bearer', bearerFormat: 'Firebase ID token' } },
        parameters: { IdempotencyKey: IDEMPOTENCY_KEY },
        responses: sharedResponseComponents(),
      },
    },
    { override: withExamples },
  );
}

const TAGS: oas31.TagObject[] = [
  { name: 'calls', description: 'Recordings, their status, transcript, analysis and cost' },
  { name: 'actions', description: 'Action items found in calls or added by hand' },
  { name: 'users', description: 'The signed-in user' },
  { name: 'voice', description: "The user's voice profile, which names them in transcripts" },
  { name: 'webhooks', description: 'Endpoints that receive signed events, and their delivery log' },
  { name: 'health', description: 'Liveness and readiness' },
  { name: 'docs', description: 'This document and its docs page' },
];

/** Every operation with a REST binding (but the ones absent in this profile), with the uploads beside them. */
function operationPaths(profile: Profile): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = structuredPaths(UPLOAD_PATHS);
  for (const named of namedRestOperations()) {
    if (named.operation.nonProdOnly && profile === 'prod') continue;
    const { method, path } = named.operation.rest;
    paths[path] = { ...paths[path], [method.toLowerCase()]: openApiOperation(named) };
  }
  return paths;
}

/** A copy, so operations merged onto an upload's path (DELETE /users/me/voice-profile) never touch the constant. */
function structuredPaths(paths: ZodOpenApiPathsObject): ZodOpenApiPathsObject {
  return Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, { ...item }]));
}

/** `calls.deleteMany`: the name tRPC mounts the operation under, and its operationId. */
export function namedRestOperations(): NamedRestOperation[] {
  return Object.entries(operations).flatMap(([group, members]) =>
    Object.entries(members).flatMap(([name, operation]) =>
      operation.kind !== 'subscription' && operation.rest
        ? [{ name: `${group}.${name}`, operation } as NamedRestOperation]
        : [],
    ),
  );
}

/** A registered schema without an example of its own gets the one the examples table holds for its id. */
function withExamples({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  if (jsonSchema.example !== undefined || jsonSchema.examples !== undefined) return;
  const example = exampleOf(zodSchema as z.ZodType);
  if (example !== undefined) jsonSchema.example = example;
}

function sortedPaths(paths: ZodOpenApiPathsObject): ZodOpenApiPathsObject {
  return Object.fromEntries(
    Object.keys(paths)
      .sort()
      .map((key) => [key, paths[key]!]),
  );
}

const apiKeyOnly = envelopeResponse('api_key_invalid: only when the server has an API key configured', [
  'api_key_invalid',
]);

/** What the host answers on its own routes besides their success: no user, only the API key when set. */
const hostResponses = {
  401: apiKeyOnly,
  408: responseRef(SHARED_ERRORS.requestTimeout),
  414: responseRef(SHARED_ERRORS.uriTooLong),
  429: responseRef(SHARED_ERRORS.rateLimited),
  431: responseRef(SHARED_ERRORS.headersTooLarge),
  500: responseRef(SHARED_ERRORS.internalError),
};

function hostOperation(operation: Omit<ZodOpenApiOperationObject, 'security'>): ZodOpenApiOperationObject {
  return { ...operation, security: [], responses: { ...operation.responses, ...hostResponses } };
}

/**
 * The routes the host itself serves under /api, beside the operations and
 * uploads: the index of links, health, this document and its docs page.
 * None needs a user; the API key, when configured, gates them like every
 * /api route.
 */
const HOST_PATHS: ZodOpenApiPathsObject = {
  '/': {
    get: hostOperation({
      operationId: 'api-index',
      summary: 'Where everything this server offers lives: docs, health, tRPC, GraphQL, the Temporal UI',
      tags: ['docs'],
      responses: { 200: { description: 'The links', content: { 'application/json': { schema: apiIndexSchema } } } },
    }),
  },
  '/health': {
    get: hostOperation({
      operationId: 'health',
      summary: 'Liveness and readiness: UP when PostgreSQL and Temporal answer',
      tags: ['health'],
      responses: {
        200: { description: 'UP', content: { 'application/json': { schema: healthReportSchema } } },
        503: {
          description: 'DOWN, naming the dependency that did not answer',
          content: {
            'application/json': {
              schema: healthReportSchema,
              example: { status: 'DOWN', version: '0.1.0', components: { database: 'UP', temporal: 'DOWN' } },
            },
          },
        },
      },
    }),
  },
  '/openapi.json': {
    get: hostOperation({
      operationId: 'openapi-document',
      summary: 'This OpenAPI 3.1 document',
      tags: ['docs'],
      responses: {
        200: {
          description: 'The document',
          content: { 'application/json': { schema: { type: 'object' }, example: { openapi: '3.1.0' } } },
        },
      },
    }),
  },
  '/docs': {
    get: hostOperation({
      operationId: 'docs-page',
      summary: 'Human-readable docs page for this document (Swagger UI; its assets are served under /api/docs/)',
      tags: ['docs'],
      responses: {
        200: {
          description: 'HTML page',
          content: { 'text/html': { schema: { type: 'string' }, example: '<!doctype html><title>Scryon API</title>' } },
        },
      },
    }),
  },
};
