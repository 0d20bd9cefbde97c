import { proxyActivities } from '@temporalio/workflow';

/** The one activity of the test-only workflows; the test harness and the benches implement it. */
export interface TestActivities {
  echo(message: string): Promise<string>;
}

const { echo } = proxyActivities<TestActivities>({ startToCloseTimeout: '10 seconds' });

/** Test-only (bundled from test-workflows.ts, never in production): proves a worker is polling the task queue. */
export async function pingWorkflow(message: string): Promise<string> {
  return echo(message);
}
