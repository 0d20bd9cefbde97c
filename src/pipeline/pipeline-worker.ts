import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from '../observability/logger.ts';

/** The production workflow types only: what a production worker runs. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
/** Production workflows plus the test-only ones (ping, calibration): for tests and benches, never a production worker. */
export const TEST_WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/test-workflows.ts', import.meta.url));

export interface PipelineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** A prebuilt bundle skips webpack at start (tests build one per run). */
  workflowBundle?: WorkflowBundleWithSourceMap | undefined;
  /** Activities this worker runs at once; more stay on the queue for another worker, instead of all starving one. */
  maxConcurrentActivities: number;
  logger: Logger;
}

export async function createPipelineWorker(options: PipelineWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}

/** Bundles the production workflows, or another entry (`TEST_WORKFLOWS_PATH` for tests that need the test-only ones). */
export async function bundleWorkflows(workflowsPath: string = WORKFLOWS_PATH): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: undefined });
}
