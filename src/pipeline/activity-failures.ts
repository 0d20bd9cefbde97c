import { ApplicationFailure } from '@temporalio/activity';
import { CallGoneError } from '../calls/call-gone-error.ts';
import { isProviderFailure } from './provider-ports.ts';

/**
 * Maps any stage error to what Temporal should do with it: retry with
 * backoff (honouring a provider's retry-after), or stop retrying and fail the
 * call with a short code. The failure type is the call's errorReason.
 */
export function toActivityFailure(error: unknown, fallbackCode: string): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof CallGoneError) return ApplicationFailure.nonRetryable('the call was deleted', 'call_deleted');
  if (isProviderFailure(error)) {
    return ApplicationFailure.create({
      message: error.message,
      type: error.code,
      nonRetryable: error.kind === 'permanent',
      ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
    });
  }
  return ApplicationFailure.retryable(error instanceof Error ? error.message : String(error), fallbackCode);
}
