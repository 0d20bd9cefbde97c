import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Profile } from '../../src/config/config.ts';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/api/rest/openapi-document.ts';
import { codesNamedIn } from '../../src/api/rest/openapi-responses.ts';

/**
 * Every answer a test app gives under /api, checked against the OpenAPI
 * document: the status is declared for that route, a JSON body matches the
 * declared schema, and an error's code is named in the declared description.
 * Test apps record their answers (test-app.ts), and every integration and
 * security test file is checked after its tests (after-each-file.ts).
 */

interface Exchange {
  profile: Profile;
  method: string;
  /** The path below the host, without the query. */
  path: string;
  status: number;
  /** The parsed JSON body; undefined when the answer is not JSON. */
  body: unknown;
}

const pending: Array<Promise<Exchange | undefined>> = [];

/** Called by the test app's fetch: notes the answer without taking its body from the caller. */
export function recordAnswer(
  profile: string | undefined,
  method: string,
  requestPath: string,
  response: Response,
): void {
  const path = requestPath.split('?', 1)[0]!;
  if (!path.startsWith('/api/') || path.startsWith('/api/docs/')) return;
  pending.push(readExchange((profile ?? 'dev') as Profile, method.toUpperCase(), path, response));
}

async function readExchange(profile: Profile, method: string, path: string, response: Response) {
  const type = response.headers.get('content-type') ?? '';
  // A stream (server-sent events) never ends while the test holds it: only its status counts.
  if (!type.startsWith('application/json')) return { profile, method, path, status: response.status, body: undefined };
  try {
    const text = await response.clone().text();
    return { profile, method, path, status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  } catch {
    return undefined; // the caller aborted the request: nothing was answered to check
  }
}

/** What is wrong with the answers recorded since the last call: run after each test file. */
export async function recordedNonConformance(): Promise<string[]> {
  const exchanges = (await Promise.all(pending.splice(0))).filter((exchange) => exchange !== undefined);
  return exchanges.flatMap(nonConformance);
}

type Json = Record<string, any>;

const documents = new Map<Profile, OpenApiDocument>();
const validators = new Map<string, ValidateFunction>();

function documentFor(profile: Profile): OpenApiDocument {
  if (!documents.has(profile)) documents.set(profile, buildOpenApiDocument('test', profile));
  return documents.get(profile)!;
}

/** What is wrong with one answer; nothing when it conforms or is no operation's (an unknown path or method). */
export function nonConformance(exchange: Exchange): string[] {
  const document = documentFor(exchange.profile);
  const match = operationFor(document, exchange.method, exchange.path);
  if (!match) return [];
  const where = `${exchange.method} ${match.template} → ${exchange.status}`;
  const declared = match.operation.responses?.[String(exchange.status)] ?? match.operation.responses?.default;
  if (!declared) return [`${where}: status not declared (body ${JSON.stringify(exchange.body)})`];
  const response = resolve(document, declared);
  const problems: string[] = [];
  const code = (exchange.body as Json | undefined)?.error?.code;
  const named = codesNamedIn(response.description) as string[];
  if (exchange.status >= 400 && typeof code === 'string' && !named.includes(code)) {
    problems.push(`${where}: code ${code} not named in "${response.description}"`);
  }
  const schema = response.content?.['application/json']?.schema;
  if (schema && exchange.body !== undefined) {
    const validate = validatorFor(document, `${exchange.profile} ${where}`, schema);
    if (!validate(exchange.body)) problems.push(`${where}: body does not match (${JSON.stringify(validate.errors)})`);
  }
  return problems;
}

/** The route Fastify would run: among the paths with this method, a literal segment wins over a parameter. */
function operationFor(document: OpenApiDocument, method: string, path: string) {
  const below = path.slice('/api'.length);
  const candidates = Object.entries(document.paths ?? {})
    .filter(([, item]) => (item as Json)[method.toLowerCase()])
    .filter(([template]) => templatePattern(template).test(below))
    .sort(([a], [b]) => parameterCount(a) - parameterCount(b));
  const found = candidates[0];
  return found ? { template: found[0], operation: (found[1] as Json)[method.toLowerCase()] as Json } : undefined;
}

const templatePattern = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`);
const parameterCount = (template: string) => (template.match(/\{/g) ?? []).length;

function resolve(document: OpenApiDocument, node: Json): Json {
  if (typeof node?.$ref !== 'string') return node;
  return node.$ref
    .slice(2)
    .split('/')
    .reduce((parent: Json, key: string) => parent?.[key], document as Json);
}

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

/** The schema with the document's components beside it, so its `#/components/…` references resolve. */
function validatorFor(document: OpenApiDocument, key: string, schema: Json): ValidateFunction {
  if (!validators.has(key)) validators.set(key, ajv.compile({ ...schema, components: document.components }));
  return validators.get(key)!;
}
