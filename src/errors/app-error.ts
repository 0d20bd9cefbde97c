/**
 * The one error vocabulary of Scryon. Domain services throw `AppError` with a
 * stable code; every surface (REST, tRPC, GraphQL) renders it through the table
 * below, so a code means the same status everywhere. Anything that is not an
 * AppError is masked as `internal_error`: clients never see internals.
 */

type TrpcCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_SUPPORTED'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE_CONTENT'
  | 'TIMEOUT'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'
  | 'BAD_GATEWAY'
  | 'SERVICE_UNAVAILABLE';

interface CodeSpec {
  readonly status: number;
  readonly trpc: TrpcCode;
  readonly message: string;
}

export const ERROR_CODES = {
  validation_failed: { status: 400, trpc: 'BAD_REQUEST', message: 'The request is invalid' },
  consent_required: { status: 400, trpc: 'BAD_REQUEST', message: 'Consent must be accepted' },
  voice_sample_too_short: { status: 400, trpc: 'BAD_REQUEST', message: 'Voice sample is too short' },
  voice_sample_too_long: { status: 400, trpc: 'BAD_REQUEST', message: 'Voice sample is too long' },
  auth_missing: { status: 401, trpc: 'UNAUTHORIZED', message: 'Missing or invalid Authorization Bearer token' },
  auth_invalid: { status: 401, trpc: 'UNAUTHORIZED', message: 'Invalid or expired token' },
  api_key_invalid: { status: 401, trpc: 'UNAUTHORIZED', message: 'Missing or invalid X-API-Key header' },
  webhook_signature_invalid: {
    status: 401,
    trpc: 'UNAUTHORIZED',
    message: 'Missing, stale or invalid webhook signature',
  },
  auth_disabled: { status: 403, trpc: 'FORBIDDEN', message: 'This account is disabled' },
  account_suspended: { status: 403, trpc: 'FORBIDDEN', message: 'This account is suspended' },
  account_disabled: { status: 403, trpc: 'FORBIDDEN', message: 'This account has been disabled by an operator' },
  not_found: { status: 404, trpc: 'NOT_FOUND', message: 'Not found' },
  call_not_found: { status: 404, trpc: 'NOT_FOUND', message: 'Call not found' },
  action_item_not_found: { status: 404, trpc: 'NOT_FOUND', message: 'Action item not found' },
  upload_not_found: { status: 404, trpc: 'NOT_FOUND', message: 'Upload not found, expired, or without a recording' },
  feature_not_available: { status: 404, trpc: 'NOT_FOUND', message: 'This feature is not available' },
  webhook_endpoint_not_found: { status: 404, trpc: 'NOT_FOUND', message: 'Webhook endpoint not found' },
  webhook_delivery_not_found: { status: 404, trpc: 'NOT_FOUND', message: 'Webhook delivery not found' },
  voice_profile_not_found: { status: 404, trpc: 'NOT_FOUND', message: 'User has no voice profile' },
  method_not_allowed: {
    status: 405,
    trpc: 'METHOD_NOT_SUPPORTED',
    message: 'This method is not allowed on this path; see the Allow header',
  },
  request_timeout: { status: 408, trpc: 'TIMEOUT', message: 'The request was not received in time' },
  idempotency_key_reused: {
    status: 409,
    trpc: 'CONFLICT',
    message: 'Idempotency-Key was used with a different request',
  },
  idempotency_request_in_progress: {
    status: 409,
    trpc: 'CONFLICT',
    message: 'A request with this Idempotency-Key is still in progress',
  },
  call_not_reanalyzable: { status: 409, trpc: 'CONFLICT', message: 'Call is not in a re-analyzable state' },
  upload_already_submitted: { status: 409, trpc: 'CONFLICT', message: 'This upload is already a call' },
  webhook_endpoint_limit_reached: {
    status: 409,
    trpc: 'CONFLICT',
    message: 'The account has as many webhook endpoints as it may; delete one first',
  },
  sync_token_expired: {
    status: 410,
    trpc: 'PRECONDITION_FAILED',
    message: 'The sync token is older than the change log keeps; list again and take a new token',
  },
  payload_too_large: { status: 413, trpc: 'PAYLOAD_TOO_LARGE', message: 'File exceeds the maximum size' },
  voice_sample_too_large: { status: 413, trpc: 'PAYLOAD_TOO_LARGE', message: 'Voice sample exceeds the maximum size' },
  uri_too_long: { status: 414, trpc: 'BAD_REQUEST', message: 'The request URI is too long' },
  unsupported_media_type: { status: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE', message: 'Audio format not recognised' },
  call_not_completed: { status: 422, trpc: 'UNPROCESSABLE_CONTENT', message: 'Call processing has not completed' },
  rate_limited: {
    status: 429,
    trpc: 'TOO_MANY_REQUESTS',
    message: 'Too many requests; retry after the time in Retry-After',
  },
  too_many_subscriptions: { status: 429, trpc: 'TOO_MANY_REQUESTS', message: 'Too many open subscriptions' },
  headers_too_large: { status: 431, trpc: 'BAD_REQUEST', message: 'The request headers are too large' },
  internal_error: { status: 500, trpc: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' },
  voice_provider_error: { status: 502, trpc: 'BAD_GATEWAY', message: 'Voice provider failed' },
  service_unavailable: { status: 503, trpc: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' },
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message?: string, details?: ErrorDetails) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The documented wire envelope: `{"error":{"code","message","details"?}}`. */
export interface ErrorEnvelope {
  error: { code: string; message: string; details?: ErrorDetails };
}

export function toEnvelope(error: AppError): ErrorEnvelope {
  const body: ErrorEnvelope = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

/** Field-level validation failure, `details.fields` maps a field path to its problem. */
export function validationFailed(fields: Record<string, string>, message?: string): AppError {
  return new AppError('validation_failed', message, { fields });
}
