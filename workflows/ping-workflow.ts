import { proxyActivities } from '@temporalio/workflow';
import type { PipelineActivities } from '../src/pipeline/activities.ts';

const { echo } = proxyActivities<PipelineActivities>({ startToCloseTimeout: '10 seconds' });

/** Test-only (bundled from test-workflows.ts, never in production): proves a worker is polling the task queue. */
export async function pingWorkflow(message: string): Promise<string> {
  return echo(message);
}
