import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Worker,
  type ActivityInterceptorsFactory,
  type NativeConnection,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Logger } from '../../observability/logger.ts';
import { webhookTaskQueue } from '../webhook-delivery/delivery-runs.ts';
import { audioTaskQueue } from '../process-call/call-runs.ts';

/** The production workflow types only: what a production worker runs. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../../../workflows/index.ts', import.meta.url));
/**
 * Production workflows plus the test-only ones (ping, calibration): for tests
 * and benches, never a production worker.
 */
export const TEST_WORKFLOWS_PATH = fileURLToPath(new URL('../../../workflows/test-workflows.ts', import.meta.url));

/** What both of a process's workers share. */
interface WorkerBase {
  connection: NativeConnection;
  namespace: string;
  /** The pipeline's queue (the audio worker polls its audio queue). */
  taskQueue: string;
  activities: object;
  /** Activity metrics; tracing's plugin when it is on. */
  activityInterceptors: ActivityInterceptorsFactory[];
  plugins?: WorkerOptions['plugins'];
}

export interface PipelineWorkerOptions extends WorkerBase {
  /** A prebuilt bundle skips webpack at start (tests build one per run). */
  workflowBundle?: WorkflowBundleWithSourceMap | undefined;
  /** Activities this worker runs at once; more stay on the queue for another worker, instead of all starving one. */
  maxConcurrentActivities: number;
  logger: Logger;
}

export async function createPipelineWorker(options: PipelineWorkerOptions): Promise<Worker> {
  return Worker.create({
    ...workerOptions(options, options.taskQueue, options.maxConcurrentActivities),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}

export interface AudioWorkerOptions extends WorkerBase {
  /** Jobs at once: the cores this process may use for ffmpeg. */
  concurrency: number;
}

/** Activities only, on the audio queue: what keeps a burst of ffmpeg jobs from taking every core and activity slot. */
export async function createAudioWorker(options: AudioWorkerOptions): Promise<Worker> {
  return Worker.create(workerOptions(options, audioTaskQueue(options.taskQueue), options.concurrency));
}

export interface WebhookWorkerOptions extends WorkerBase {
  workflowBundle: WorkflowBundleWithSourceMap;
  /** Delivery attempts at once; they mostly wait on receivers. */
  concurrency: number;
}

/**
 * The webhook deliveries' own queue, workflows and attempts both: a burst of
 * a thousand new delivery runs never queues ahead of a call's workflow
 * tasks, and an attempt is handed to this worker with the workflow task that
 * scheduled it (eager dispatch, one queue). Every run is new, so its first
 * task is on the non-sticky queue, which by default has two pollers: pollers
 * scale with the server's backlog instead.
 */
export async function createWebhookWorker(options: WebhookWorkerOptions): Promise<Worker> {
  return Worker.create({
    ...workerOptions(options, webhookTaskQueue(options.taskQueue), options.concurrency),
    workflowBundle: options.workflowBundle,
    maxConcurrentWorkflowTaskExecutions: Math.max(2, options.concurrency),
    nonStickyToStickyPollRatio: 1,
    workflowTaskPollerBehavior: { type: 'autoscaling', maximum: Math.max(2, Math.ceil(options.concurrency / 2)) },
    activityTaskPollerBehavior: { type: 'autoscaling', maximum: Math.max(2, Math.ceil(options.concurrency / 2)) },
  });
}

function workerOptions(base: WorkerBase, taskQueue: string, maxConcurrentActivities: number): WorkerOptions {
  return {
    connection: base.connection,
    namespace: base.namespace,
    taskQueue,
    activities: base.activities,
    maxConcurrentActivityTaskExecutions: maxConcurrentActivities,
    interceptors: { activity: base.activityInterceptors },
    ...(base.plugins ? { plugins: base.plugins } : {}),
  };
}

/**
 * Bundles the production workflows, or another entry (`TEST_WORKFLOWS_PATH`
 * for tests that need the test-only ones); `interceptorModules` adds workflow
 * interceptors (tracing's) to a bundle built ahead of the worker.
 */
export async function bundleWorkflows(
  workflowsPath: string = WORKFLOWS_PATH,
  interceptorModules: string[] = [],
  logger?: Logger,
): Promise<WorkflowBundleWithSourceMap> {
  const bundler = logger && bundlerLogger(logger);
  return bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: interceptorModules, logger: bundler });
}

/** webpack's module list is twenty INFO lines at every start, printed around the JSON log: debug, in the log. */
function bundlerLogger(logger: Logger): DefaultLogger {
  const bundler = logger.child({ component: 'workflow-bundler' });
  return new DefaultLogger('DEBUG', ({ level, message, meta }) => {
    if (level === 'WARN') bundler.warn({ ...meta }, message);
    else if (level === 'ERROR') bundler.error({ ...meta }, message);
    else bundler.debug({ ...meta }, message);
  });
}
