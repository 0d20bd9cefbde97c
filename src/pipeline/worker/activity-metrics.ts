import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Metrics } from '../../observability/metrics.ts';

/**
 * Times every activity attempt the worker runs, stage or sweep, by its type
 * and how it ended: a retried stage shows as several attempts, as it ran.
 */
export function activityMetrics(metrics: Pick<Metrics, 'activity'>): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const started = performance.now();
        let outcome: 'completed' | 'failed' | 'cancelled' = 'failed';
        try {
          const result = await next(input);
          outcome = 'completed';
          return result;
        } catch (error) {
          if (ctx.cancellationSignal.aborted) outcome = 'cancelled';
          throw error;
        } finally {
          metrics.activity(ctx.info.activityType, outcome, (performance.now() - started) / 1000);
        }
      },
    },
  });
}
