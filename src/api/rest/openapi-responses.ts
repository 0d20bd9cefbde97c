import { z } from 'zod';
import type { oas31, ZodOpenApiResponseObject } from 'zod-openapi';
import { ERROR_CODES, type ErrorCode } from '../../errors/app-error.ts';

/** The documented wire envelope of every error, on every route. */
export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable lower_snake_case code, e.g. call_not_found'),
      message: z.string().describe('Short, human-readable, never contains PII'),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('Structured extras, e.g. fields for validation_failed, retryAfterSeconds for rate_limited'),
    }),
  })
  .meta({ id: 'ErrorEnvelope' });

/**
 * An error that is not any one route's: the host, authentication, idempotency or the
 * rate limits answer it. Each is declared once under `components.responses` and
 * referenced by every operation it can reach.
 */
export interface SharedError {
  /** The key under `components.responses`. */
  name: string;
  status: number;
  codes: readonly ErrorCode[];
  /** What the codes mean here; the codes themselves lead the description. */
  note: string;
  headers?: Record<string, oas31.HeaderObject>;
}

const retryAfter: oas31.HeaderObject = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'integer', minimum: 1 },
  example: 30,
};

export const SHARED_ERRORS = {
  validationFailed: {
    name: 'ValidationFailed',
    status: 400,
    codes: ['validation_failed'],
    note:
      'A malformed JSON body or query, or an oversized or control-character Idempotency-Key; ' +
      '`details.fields` names each field',
  },
  unauthorized: {
    name: 'Unauthorized',
    status: 401,
    codes: ['auth_missing', 'auth_invalid', 'api_key_invalid'],
    note: 'No or a bad Firebase ID token; api_key_invalid only when the server has an API key configured',
  },
  forbidden: {
    name: 'Forbidden',
    status: 403,
    codes: ['auth_disabled', 'account_suspended', 'account_disabled'],
    note: 'The account may not use the API: disabled in Firebase, or suspended or disabled by an operator',
  },
  idempotencyConflict: {
    name: 'IdempotencyConflict',
    status: 409,
    codes: ['idempotency_key_reused', 'idempotency_request_in_progress'],
    note: 'The Idempotency-Key was used with a different request, or its first request has not finished',
  },
  requestTimeout: {
    name: 'RequestTimeout',
    status: 408,
    codes: ['request_timeout'],
    note: 'The request did not arrive in time',
  },
  payloadTooLarge: {
    name: 'PayloadTooLarge',
    status: 413,
    codes: ['payload_too_large'],
    note: 'The body is larger than the server accepts',
  },
  uriTooLong: {
    name: 'UriTooLong',
    status: 414,
    codes: ['uri_too_long'],
    note: 'The URL, or one of its path parameters, is too long',
  },
  unsupportedMediaType: {
    name: 'UnsupportedMediaType',
    status: 415,
    codes: ['unsupported_media_type'],
    note: 'The uploaded audio is not in a format the route accepts (decided from its bytes)',
  },
  rateLimited: {
    name: 'RateLimited',
    status: 429,
    codes: ['rate_limited'],
    note: 'Too many requests from this client address or user; Retry-After says when to try again',
    headers: { 'Retry-After': retryAfter },
  },
  headersTooLarge: {
    name: 'HeadersTooLarge',
    status: 431,
    codes: ['headers_too_large'],
    note: 'The request headers are too large',
  },
  internalError: {
    name: 'InternalError',
    status: 500,
    codes: ['internal_error'],
    note: 'An unexpected failure; nothing internal is disclosed',
  },
  serviceUnavailable: {
    name: 'ServiceUnavailable',
    status: 503,
    codes: ['service_unavailable'],
    note: 'A dependency (token verification, the workflow engine) did not answer, or the server is shutting down',
  },
} as const satisfies Record<string, SharedError>;

/** A response in the envelope whose description leads with the codes it can carry. */
export function envelopeResponse(
  description: string,
  examples: readonly ErrorCode[],
  headers?: SharedError['headers'],
) {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: errorEnvelopeSchema, examples: envelopeExamples(examples) } },
  } satisfies ZodOpenApiResponseObject;
}

function envelopeExamples(codes: readonly ErrorCode[]): Record<string, oas31.ExampleObject> {
  const example = (code: ErrorCode) => ({ value: { error: { code, message: ERROR_CODES[code].message } } });
  return Object.fromEntries(codes.map((code) => [code, example(code)]));
}

export function describeShared(error: SharedError): string {
  return `${error.codes.join(', ')}: ${error.note}`;
}

/** `components.responses`, one entry per shared error. */
export function sharedResponseComponents(): Record<string, ZodOpenApiResponseObject> {
  return Object.fromEntries(
    Object.values(SHARED_ERRORS).map((error: SharedError) => [
      error.name,
      envelopeResponse(describeShared(error), error.codes, error.headers),
    ]),
  );
}

export const responseRef = (error: SharedError): oas31.ReferenceObject => ({
  $ref: `#/components/responses/${error.name}`,
});

/** The codes an operation's own description names (`call_not_found (…) / other_code`), for its examples. */
export function codesNamedIn(description: string): ErrorCode[] {
  const words = description.match(/[a-z][a-z0-9]*(?:_[a-z0-9]+)+/g) ?? [];
  return [...new Set(words)].filter((word): word is ErrorCode => word in ERROR_CODES);
}
