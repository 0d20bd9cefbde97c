import { toActivityFailure } from './activity-failures.ts';
import { activitySignal, heartbeatThroughout } from './activity-heartbeat.ts';

/**
 * An activity as every workflow's worker runs it: heartbeating throughout,
 * and every error leaving as an ApplicationFailure whose type is
 * `fallbackCode` unless the error names its own (for a call's stages, the
 * call's short errorReason).
 */
export function guardActivity<A extends unknown[], R>(
  fallbackCode: string,
  activity: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await heartbeatThroughout(() => activity(...args));
    } catch (error) {
      // A cancelled activity (its call was deleted) leaves as a cancellation, not as a failure to retry.
      const signal = activitySignal();
      const cancellation: unknown = signal.aborted ? signal.reason : undefined;
      throw cancellation ?? toActivityFailure(error, fallbackCode);
    }
  };
}
