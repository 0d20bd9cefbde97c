import { proxyActivities } from '@temporalio/workflow';
import type { TestActivities } from './ping-workflow.ts';

const { echo } = proxyActivities<TestActivities>({ startToCloseTimeout: '10 seconds' });

/**
 * `steps` no-op activities in a row: the pure Temporal cost of a pipeline of
 * that many stages on this server, the baseline the pipeline bench compares to.
 * Test-only: bundled from test-workflows.ts, never in production.
 */
export async function calibrationWorkflow(steps: number): Promise<void> {
  for (let step = 0; step < steps; step += 1) await echo(String(step));
}
