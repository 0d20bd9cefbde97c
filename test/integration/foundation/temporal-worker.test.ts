import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

describe('the pipeline worker on the Temporal dev server', () => {
  let scryon: TestApp;
  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: false, worker: true } });
  });
  afterAll(() => scryon.close());

  it('picks up and completes a workflow on its task queue', async () => {
    const result = await scryon.app.temporal.client.workflow.execute('pingWorkflow', {
      taskQueue: scryon.env.TEMPORAL_TASK_QUEUE as string,
      workflowId: `ping-${randomUUID()}`,
      args: ['hello worker'],
    });
    expect(result).toBe('hello worker');
  });
});
