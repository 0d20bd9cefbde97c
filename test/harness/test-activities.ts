import type { TestActivities } from '../../workflows/ping-workflow.ts';

/** What the test-only workflows (ping, calibration) run, for a worker whose bundle holds them. */
export const TEST_ACTIVITIES: TestActivities = {
  async echo(message) {
    return message;
  },
};
