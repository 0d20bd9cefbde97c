import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleWorkflows, WORKFLOWS_PATH } from '../../../src/pipeline/worker/pipeline-worker.ts';
import { WORKFLOW_TRACING_MODULE } from '../../../src/pipeline/runtime/temporal-tracing.ts';
import { callWorkflowId } from '../../../src/pipeline/process-call/call-runs.ts';
import { signUpUser } from '../../harness/firebase-users.ts';
import { startPipelineApp, submitFixture, waitForStatus, type PipelineApp } from '../../harness/pipeline-app.ts';

const PHONE = '+919876543210';

describe('one upload is one trace', () => {
  const exporter = new InMemorySpanExporter();
  let pipeline: PipelineApp;
  let callId: string;
  let scheduledActivities: string[];

  beforeAll(async () => {
    const workflowBundle = await bundleWorkflows(WORKFLOWS_PATH, [WORKFLOW_TRACING_MODULE]);
    pipeline = await startPipelineApp({
      spanProcessor: new SimpleSpanProcessor(exporter),
      workflowBundle,
      captureLogs: true,
      env: { OTEL_TRACES_SAMPLER_ARG: '1' },
    });
    const user = await signUpUser();
    callId = await submitFixture(pipeline.scryon, user.idToken, 'wav', {
      contactName: 'Ravi',
      phoneNumber: PHONE,
      direction: 'INCOMING',
    });
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const workflow = pipeline.scryon.app.temporal.client.workflow.getHandle(callWorkflowId(callId));
    await workflow.result();
    const history = await workflow.fetchHistory();
    scheduledActivities = (history.events ?? []).flatMap((event) =>
      event.activityTaskScheduledEventAttributes?.activityType?.name
        ? [event.activityTaskScheduledEventAttributes.activityType.name]
        : [],
    );
    // The workflow's own span leaves its sandbox through a sink once its last task has run.
    await vi.waitFor(
      () => expect(exporter.getFinishedSpans().map((span) => span.name)).toContain('RunWorkflow:processCallWorkflow'),
      { timeout: 30_000 },
    );
  }, 240_000);
  afterAll(() => pipeline?.close());

  function uploadTrace(): ReadableSpan[] {
    const spans = exporter.getFinishedSpans();
    const upload = spans.find(
      (span) => span.attributes['http.route'] === '/api/calls/analyze' || span.name.includes('/api/calls/analyze'),
    );
    if (!upload)
      throw new Error(
        `no span of the upload request among: ${[...new Set(spans.map((span) => span.name))].join(', ')}`,
      );
    return spans.filter((span) => span.spanContext().traceId === upload.spanContext().traceId);
  }

  it('holds the request, the workflow start, the workflow and every activity the workflow scheduled', () => {
    const names = uploadTrace().map((span) => span.name);
    expect(names).toContain('StartWorkflow:processCallWorkflow');
    expect(names).toContain('RunWorkflow:processCallWorkflow');
    expect(scheduledActivities.length).toBeGreaterThanOrEqual(5);
    for (const activity of new Set(scheduledActivities)) expect(names, activity).toContain(`RunActivity:${activity}`);
  });

  it('holds each provider HTTP call, under the activity that made it', () => {
    const trace = uploadTrace();
    const byId = new Map(trace.map((span) => [span.spanContext().spanId, span]));
    const providerPorts = [
      pipeline.fakes.lemonfoxBaseUrl,
      pipeline.fakes.pyannoteBaseUrl,
      pipeline.fakes.openaiBaseUrl,
    ].map((base) => new URL(base).port);
    const portOf = (span: ReadableSpan) => new URL(String(span.attributes['url.full'])).port;
    const providerCalls = trace.filter(
      (span) => typeof span.attributes['url.full'] === 'string' && providerPorts.includes(portOf(span)),
    );
    for (const port of providerPorts) expect(providerCalls.some((span) => portOf(span) === port)).toBe(true);
    for (const span of providerCalls)
      expect(byId.get(span.parentSpanContext?.spanId ?? '')?.name ?? 'no parent').toMatch(/^RunActivity:/);
  });

  it('names the trace in the log lines written inside it', () => {
    const traceId = uploadTrace()[0]!.spanContext().traceId;
    const lines = pipeline.scryon.logLines.map(
      (line) => JSON.parse(line) as { msg?: string; route?: string; traceId?: string },
    );
    const uploadLine = lines.find((line) => line.msg === 'request completed' && line.route === '/api/calls/analyze');
    expect(uploadLine?.traceId).toBe(traceId);
  });

  it('carries no phone number, token or transcript text in any span, query strings included', async () => {
    const user = await signUpUser();
    await pipeline.scryon.fetch(`/api/calls?contact=${encodeURIComponent(PHONE)}`, { token: user.idToken });
    const connectionParams = encodeURIComponent(JSON.stringify({ authorization: `Bearer ${user.idToken}` }));
    await pipeline.scryon.fetch(
      `/trpc/calls.list?connectionParams=${connectionParams}&input=${encodeURIComponent('{"limit":1}')}`,
    );
    await vi.waitFor(() =>
      expect(exporter.getFinishedSpans().some((span) => span.attributes['http.route'] === '/trpc/:path')).toBe(true),
    );
    const attributes = JSON.stringify(
      exporter.getFinishedSpans().map((span) => [span.name, span.attributes, span.events]),
    );
    expect(attributes).not.toContain(PHONE);
    expect(attributes).not.toContain('9876543210');
    for (const span of exporter.getFinishedSpans()) {
      const url = span.attributes['url.full'];
      if (typeof url === 'string') expect(url, 'no query strings: keys, signatures').not.toContain('?');
      expect(String(span.attributes['url.path'] ?? ''), 'no query strings on incoming requests').not.toContain('?');
      expect(span.attributes['url.query'] ?? '').toBe('');
    }
    expect(attributes).not.toContain('Bearer');
    expect(attributes).not.toContain(user.idToken.slice(-20));
  });
});
