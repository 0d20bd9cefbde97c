import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from '../../observability/tracing.ts';

/**
 * Temporal's own OpenTelemetry interceptors, loaded only when tracing is on:
 * the client puts the request's trace context in the workflow's headers, the
 * worker continues it in the workflow (spans leave the sandbox through a
 * sink) and in every activity.
 */
export async function workflowClientTracing(tracing: Tracing | undefined): Promise<WorkflowClientInterceptor[]> {
  if (!tracing) return [];
  const { OpenTelemetryWorkflowClientInterceptor } = await import('@temporalio/interceptors-opentelemetry');
  return [new OpenTelemetryWorkflowClientInterceptor()];
}

export async function workerTracing(tracing: Tracing | undefined): Promise<Pick<WorkerOptions, 'plugins'>> {
  if (!tracing) return {};
  const { OpenTelemetryPlugin } = await import('@temporalio/interceptors-opentelemetry');
  // The plugin is typed against the 1.x SDK it depends on; the 2.x processor and resource keep that shape.
  const options = {
    resource: tracing.resource,
    spanProcessor: tracing.spanProcessor,
  } as unknown as ConstructorParameters<typeof OpenTelemetryPlugin>[0];
  return { plugins: [new OpenTelemetryPlugin(options)] };
}

/** The module a prebuilt bundle must include for workflow spans (a worker given `workflowsPath` adds it itself). */
export const WORKFLOW_TRACING_MODULE = '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors';
