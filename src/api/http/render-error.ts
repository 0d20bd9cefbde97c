import { AppError, toEnvelope, type ErrorEnvelope } from '../../errors/app-error.ts';

export interface RenderedError {
  status: number;
  body: ErrorEnvelope;
  /** Unexpected failures are logged in full; the client only sees `internal_error`. */
  unexpected: boolean;
}

interface FrameworkError {
  statusCode?: number;
  code?: string;
  validation?: unknown;
}

/** Maps anything thrown on the HTTP path to the documented envelope. */
export function renderError(error: unknown): RenderedError {
  if (error instanceof AppError) return rendered(error);
  const appError = frameworkError(error as FrameworkError);
  if (appError) return rendered(appError);
  return { ...rendered(new AppError('internal_error')), unexpected: true };
}

function rendered(error: AppError): RenderedError {
  return { status: error.status, body: toEnvelope(error), unexpected: false };
}

function frameworkError(error: FrameworkError): AppError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('validation_failed', 'Unsupported Content-Type for this route');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('uri_too_long');
    case 'FST_ERR_BAD_URL':
      return new AppError('validation_failed', 'The request path is not valid');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('validation_failed', 'Request body is not valid JSON');
  }
  if (error.validation) return new AppError('validation_failed');
  if (error.statusCode === 400) return new AppError('validation_failed');
  if (error.statusCode === 404) return new AppError('not_found');
  if (error.statusCode === 408) return new AppError('request_timeout');
  if (error.statusCode === 413) return new AppError('payload_too_large');
  if (error.statusCode === 414) return new AppError('uri_too_long');
  if (error.statusCode === 431) return new AppError('headers_too_large');
  return undefined;
}

/**
 * The dev log's line for a refused request: the code, the message the client
 * got and, for validation_failed, each field with its problem, so the reason
 * is in the log and not only in the client's envelope.
 */
export function rejectionLine(status: number, body: ErrorEnvelope): string {
  const { code, message } = body.error;
  const fields = fieldsOf(body);
  const listed = fields
    ? ` [${Object.entries(fields)
        .map(([name, problem]) => `${name}: ${problem}`)
        .join('; ')}]`
    : '';
  return `rejected ${status} ${code}: ${message}${listed}`;
}

export function fieldsOf(body: ErrorEnvelope): Record<string, string> | undefined {
  const fields = body.error.details?.fields;
  if (!fields || typeof fields !== 'object') return undefined;
  return Object.fromEntries(Object.entries(fields).map(([name, problem]) => [name, String(problem)]));
}
