import { proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../src/pipeline/activities.ts';

const { echo } = proxyActivities<PipelineActivities>({ startToCloseTimeout: '10 seconds' });

/** Proves a worker is polling the task queue: used by readiness checks and tests. */
export async function pingWorkflow(message: string): Promise<string> {
  return echo(message);
}
