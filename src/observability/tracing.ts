import { trace } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: spans go there by OTLP/protobuf. */
  endpoint?: string | undefined;
  /** `OTEL_TRACES_SAMPLER_ARG`: the share of new traces kept; a sampled parent's children always are. */
  sampleRatio: number;
  serviceName: string;
  version: string;
  /** Tests hand in their own processor (an in-memory exporter) instead of an endpoint. */
  spanProcessor?: SpanProcessor | undefined;
}

/** What the Temporal worker needs to export workflow spans, which are made inside its sandbox. */
export interface Tracing {
  spanProcessor: SpanProcessor;
  resource: Resource;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry for one process, or nothing when no endpoint is configured
 * (the SDK is not even loaded then). One upload is one trace: the Fastify
 * request span, the workflow start (Temporal client interceptor), the
 * workflow and each activity (worker interceptors), and each provider HTTP
 * call (undici). Spans carry routes, ids and enums only: no instrumentation
 * here records bodies, and HTTP spans keep URLs without query strings.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  if (!options.endpoint && !options.spanProcessor) return undefined;
  const [
    { NodeSDK },
    { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler },
    { resourceFromAttributes },
    { UndiciInstrumentation },
    { FastifyOtelInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation-undici'),
    import('@fastify/otel'),
  ]);
  const spanProcessor = options.spanProcessor ?? new BatchSpanProcessor(await otlpExporter(options.endpoint as string));
  const resource = resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.version });
  const sdk = new NodeSDK({
    resource,
    spanProcessors: [spanProcessor],
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    instrumentations: [
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) => route.url === '/api/health',
        // Incoming URLs carry personal data and tokens in their query strings (a contact's phone number, the words
        // searched, tRPC's connectionParams): the path only, as for outbound requests below.
        requestHook: (span, request) => span.setAttribute('url.path', request.url.split('?')[0]!),
      }),
      // Outbound requests: method, host, path and status, never headers
      // (bearer keys), bodies or query strings (signatures, keys).
      new UndiciInstrumentation({
        requestHook: (span, request) => {
          span.setAttribute('url.full', `${request.origin}${request.path.split('?')[0]}`);
          span.setAttribute('url.query', '');
        },
      }),
    ],
  });
  sdk.start();
  return {
    spanProcessor,
    resource,
    shutdown: async () => {
      await sdk.shutdown();
      trace.disable();
    },
  };
}

async function otlpExporter(endpoint: string) {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
}

/** The trace id of the active span, for log lines (`traceId`), or undefined outside a sampled trace. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && context.traceFlags & 1 ? context.traceId : undefined;
}
