import { isGrpcServiceError } from '@temporalio/client';

/**
 * gRPC codes after which the start may or may not have happened, or would
 * succeed if simply tried again later: the server was unreachable, overloaded
 * or too slow, or the call was cut off. A refusal (bad argument, missing
 * namespace, permission) or an error before any request is not transient:
 * trying again would fail the same way.
 */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  1, // CANCELLED
  2, // UNKNOWN
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  14, // UNAVAILABLE
]);

/** Whether a call to Temporal failed in a way that trying again later may fix. */
export function isTransientTemporalError(error: unknown): boolean {
  for (
    let current: unknown = error, depth = 0;
    current && depth < 3;
    current = (current as { cause?: unknown }).cause, depth += 1
  ) {
    if (isGrpcServiceError(current)) return TRANSIENT_CODES.has(current.code);
  }
  return false;
}
