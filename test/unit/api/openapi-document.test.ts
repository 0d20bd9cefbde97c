import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  buildOpenApiDocument,
  namedRestOperations,
  type OpenApiDocument,
} from '../../../src/api/rest/openapi-document.ts';
import { PATH_EXAMPLES, REQUEST_EXAMPLES, SCHEMA_EXAMPLES } from '../../../src/api/rest/openapi-examples.ts';
import { codesNamedIn } from '../../../src/api/rest/openapi-responses.ts';
import { ERROR_CODES } from '../../../src/errors/app-error.ts';

type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const documents = { dev: buildOpenApiDocument('0.0.0-test', 'dev'), prod: buildOpenApiDocument('0.0.0-test', 'prod') };

/** Every operation of a document with its path and method. */
function operationsOf(document: OpenApiDocument): Array<{ path: string; method: string; operation: Json }> {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => (item as Json)[method]).map((method) => ({
      path,
      method,
      operation: (item as Json)[method],
    })),
  );
}

/** A `#/…` pointer resolved in the document. */
function resolve(document: OpenApiDocument, node: Json): Json {
  if (typeof node?.$ref !== 'string') return node;
  return node.$ref
    .slice(2)
    .split('/')
    .map((part: string) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((parent: Json, key: string) => parent?.[key], document as Json);
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => refsIn(item, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

describe.each(Object.entries(documents))('the OpenAPI document (%s profile)', (_profile, document) => {
  it('is valid OpenAPI 3.1 for swagger-parser', async () => {
    // The parser dereferences in place; it gets its own copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it("passes Redocly's recommended ruleset with no error and no warning, examples included", async () => {
    const config = await createConfig({
      extends: ['recommended'],
      // Stricter than recommended: an example that does not match its schema is an error, not a warning.
      rules: { 'no-invalid-media-type-examples': 'error', 'no-invalid-schema-examples': 'error' },
    });
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: '/openapi.json', config });
    const described = problems.map(
      (problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location[0]?.pointer}`,
    );
    // No warning is accepted today; one that must be accepted is listed here with its reason.
    const accepted: string[] = [];
    expect(described.filter((line) => !accepted.some((rule) => line.includes(rule)))).toEqual([]);
  });

  it('references only what it declares: no `#/$defs` pointer, every `#/components/…` resolves', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter((ref) => !ref.startsWith('#/components/'))).toEqual([]);
    expect([...new Set(refs)].filter((ref) => resolve(document, { $ref: ref }) === undefined)).toEqual([]);
  });

  it('hoists every schema registered with an id, the upload shapes among them, under that id', () => {
    const schemas = document.components?.schemas ?? {};
    const hoisted = ['UploadMetadata', 'SubmitCallResult', 'VoiceProfile', 'ErrorEnvelope', 'HealthReport'];
    hoisted.push('Transcript', 'TranscriptSegment', 'Speaker', 'Analysis', 'AnalysisOutcome');
    for (const id of hoisted) {
      expect(schemas[id], id).toBeDefined();
      expect(JSON.stringify(schemas[id])).not.toContain('$defs');
    }
    const transcript = document.paths!['/calls/{id}/transcript']!.get!.responses!['200'] as Json;
    expect(transcript.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Transcript' });
    const upload = document.paths!['/calls/analyze']!.post!;
    expect(refsIn(upload)).toEqual(
      expect.arrayContaining(['#/components/schemas/UploadMetadata', '#/components/schemas/SubmitCallResult']),
    );
  });

  it("names in every error response only codes of that status, and each route's own declared words", () => {
    const wrong: string[] = [];
    for (const { path, method, operation } of operationsOf(document)) {
      for (const [status, declared] of Object.entries(operation.responses as Json)) {
        if (Number(status) < 400) continue;
        const response = resolve(document, declared);
        const codes = codesNamedIn(response.description);
        if (codes.length === 0 && path !== '/health') wrong.push(`${method} ${path} ${status}: names no code`);
        for (const code of codes) {
          const actual = ERROR_CODES[code].status;
          if (actual !== Number(status)) wrong.push(`${method} ${path} ${status}: ${code} is ${actual}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keeps each operation's own error descriptions word for word", () => {
    for (const { name, operation } of namedRestOperations()) {
      const declared = document.paths?.[operation.rest.path]?.[operation.rest.method.toLowerCase() as 'get'];
      if (!declared) continue; // absent in this profile
      for (const [status, text] of Object.entries(operation.rest.errorResponses ?? {})) {
        const response = resolve(document, (declared.responses as Json)[status]);
        expect(response?.description.startsWith(text), `${name} ${status}: ${response?.description}`).toBe(true);
      }
    }
  });

  it('declares the shared errors once and references them; Idempotency-Key on every mutation', () => {
    const responses = document.components?.responses ?? {};
    expect(Object.keys(responses)).toEqual(
      expect.arrayContaining(['Unauthorized', 'Forbidden', 'IdempotencyConflict', 'UriTooLong', 'RateLimited']),
    );
    expect((responses.RateLimited as Json).headers['Retry-After']).toBeDefined();
    expect((responses.Forbidden as Json).description).toMatch(/account_suspended.*account_disabled/);
    for (const { name, operation } of namedRestOperations()) {
      const method = operation.rest.method.toLowerCase() as 'get';
      const declared = document.paths?.[operation.rest.path]?.[method] as Json | undefined;
      if (!declared) continue;
      const refs = refsIn(declared);
      const shared = ['#/components/responses/UriTooLong', '#/components/responses/Unauthorized'];
      expect(refs, name).toEqual(expect.arrayContaining(shared));
      expect(resolve(document, declared.responses['429']).headers['Retry-After'], name).toBeDefined();
      const idempotent = refs.includes('#/components/parameters/IdempotencyKey');
      expect(idempotent, name).toBe(operation.kind === 'mutation');
      if (operation.kind !== 'mutation') continue;
      expect(resolve(document, declared.responses['409']).description, name).toMatch(/idempotency_key_reused/);
    }
  });

  it('takes the bulk delete ids as a JSON body or in the query', () => {
    const bulkDelete = document.paths!['/calls']!.delete! as Json;
    expect(bulkDelete.requestBody.content['application/json'].schema.required).toEqual(['callIds']);
    expect(bulkDelete.requestBody.content['application/json'].example).toEqual(REQUEST_EXAMPLES['calls.deleteMany']);
    const query = (bulkDelete.parameters as Json[]).find((parameter) => parameter.name === 'callIds');
    expect(query).toMatchObject({ in: 'query', schema: { type: 'array' } });
    expect(query!.required, 'the body form needs no query').not.toBe(true);
  });

  it('shows a real example on every request body and every response, and sends upload metadata as JSON', () => {
    const missing: string[] = [];
    for (const { path, method, operation } of operationsOf(document)) {
      const declared = [operation.requestBody, ...Object.values(operation.responses as Json)];
      const bodies = declared.map((node) => resolve(document, node));
      for (const body of bodies) {
        for (const [type, media] of Object.entries((body?.content ?? {}) as Json)) {
          const shown =
            type === 'multipart/form-data'
              ? everyPartShown(document, media)
              : isBinary(document, media) || hasExample(document, media);
          if (!shown) missing.push(`${method} ${path} ${body.description ?? 'request'} ${type}`);
        }
      }
    }
    expect(missing).toEqual([]);
    const form = (document.paths!['/calls/analyze']!.post!.requestBody as Json).content['multipart/form-data'];
    expect(form.encoding.metadata.contentType).toBe('application/json');
    const metadata = document.components!.schemas!.UploadMetadata as Json;
    expect(metadata.example.title).not.toBe('string');
  });
});

/** An example on the media type, or on its schema (through references, or an array's items). */
function hasExample(document: OpenApiDocument, media: Json): boolean {
  if (media.example !== undefined || media.examples !== undefined) return true;
  const schema = resolve(document, media.schema ?? {});
  if (schema.example !== undefined || schema.examples !== undefined) return true;
  if (media.schema?.type === 'object' && Object.keys(media.schema).length === 1) return false;
  return schema.type === 'array' && hasExample(document, { schema: schema.items });
}

/** A raw recording has no example to show: the docs page offers a file picker for it. */
function isBinary(document: OpenApiDocument, media: Json): boolean {
  return resolve(document, media.schema ?? {}).format === 'binary';
}

/** A form is shown part by part: every part but the file has an example, which the docs page fills in. */
function everyPartShown(document: OpenApiDocument, media: Json): boolean {
  const parts = Object.values((media.schema?.properties ?? {}) as Json);
  return parts.length > 0 && parts.every((part) => part.format === 'binary' || hasExample(document, { schema: part }));
}

describe('the examples', () => {
  const registered = (z.globalRegistry as unknown as { _idmap: Map<string, z.ZodType> })._idmap;

  it.each(Object.entries(SCHEMA_EXAMPLES))('%s parses with the schema registered under its id', (id, example) => {
    const schema = registered.get(id);
    expect(schema, `no schema is registered as ${id}`).toBeDefined();
    expect(schema!.safeParse(example).error?.issues ?? []).toEqual([]);
  });

  it.each(Object.entries(REQUEST_EXAMPLES))("%s's body parses with its input, with a real path id", (name, example) => {
    const { operation } = namedRestOperations().find((named) => named.name === name)!;
    const prefix = Object.keys(PATH_EXAMPLES).find((candidate) => operation.rest.path.startsWith(candidate));
    const names = [...operation.rest.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
    const pathParams = Object.fromEntries(names.map((param) => [param, PATH_EXAMPLES[prefix!]]));
    expect(operation.input.safeParse({ ...(example as object), ...pathParams }).error?.issues ?? []).toEqual([]);
  });
});

describe('a client generated from the document', () => {
  it('is generated by openapi-typescript, with the transcript and the analysis typed', async () => {
    const types = await openapiTS(structuredClone(documents.dev) as never);
    expect(types).toContain('export interface paths');
    expect(types).toMatch(/cleanText: string;/);
    expect(types).toMatch(/oneLineSummary: string \| null;/);
  });
});
