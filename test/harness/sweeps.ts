import { sweepScheduleId } from '../../src/pipeline/sweeps/sweep-schedules.ts';
import { waitFor } from './free-port.ts';
import type { TestApp } from './test-app.ts';

/** The Temporal Schedule that runs one sweep kind on the app's task queue. */
export function sweepSchedule(app: TestApp, kind: string) {
  return app.app.temporal.client.schedule.getHandle(sweepScheduleId(app.env.TEMPORAL_TASK_QUEUE as string, kind));
}

/** Triggers a sweep schedule now, as an operator would, and waits for its run to finish. */
export async function runSweep(app: TestApp, kind: string): Promise<void> {
  const handle = sweepSchedule(app, kind);
  const before = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  let latest: { workflowId: string; firstExecutionRunId: string } | undefined;
  await waitFor(async () => {
    const description = await handle.describe();
    latest = description.info.recentActions.at(-1)?.action.workflow;
    return description.info.recentActions.length > before && description.info.runningActions.length === 0;
  }, `the ${kind} sweep to run`);
  await app.app.temporal.client.workflow.getHandle(latest!.workflowId, latest!.firstExecutionRunId).result();
}
