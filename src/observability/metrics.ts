import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Request and provider latencies span a millisecond poll to a minutes-long transcription. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * One process's Prometheus instruments, in a registry of its own (tests run
 * several instances in one process). Every label is a bounded enum or a route
 * template, never an id, a phone number or text.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'scryon_' });
  const registers = [registry];
  const latencies = <Label extends string>(name: string, help: string, labelNames: readonly Label[]) =>
    new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });
  const httpRequests = latencies(
    'scryon_http_request_duration_seconds',
    'HTTP requests by method, route template and status code',
    ['method', 'route', 'status'],
  );
  const activities = latencies(
    'scryon_pipeline_activity_duration_seconds',
    'Pipeline activity attempts (stages and sweeps) by activity and outcome',
    ['activity', 'outcome'],
  );
  const providerRequests = latencies(
    'scryon_provider_request_duration_seconds',
    'HTTP requests to transcription, diarization and LLM providers by outcome (ok, a status code, timeout, network)',
    ['provider', 'outcome'],
  );
  const audioSeconds = new Counter({
    name: 'scryon_provider_audio_seconds_total',
    help: 'Seconds of audio a provider processed (transcribed, diarized)',
    labelNames: ['provider'] as const,
    registers,
  });
  const llmTokens = new Counter({
    name: 'scryon_provider_llm_tokens_total',
    help: 'LLM tokens consumed, by direction (input, output)',
    labelNames: ['provider', 'direction'] as const,
    registers,
  });

  // Structurally the providers' ProviderMeter port: observability sits below the domain and imports none of it.
  const providers = {
    request(provider: string, outcome: string, seconds: number) {
      providerRequests.observe({ provider, outcome }, seconds);
    },
    usage(
      provider: string,
      usage: { audioSeconds?: number | undefined; inputTokens?: number | undefined; outputTokens?: number | undefined },
    ) {
      if (usage.audioSeconds) audioSeconds.inc({ provider }, usage.audioSeconds);
      if (usage.inputTokens) llmTokens.inc({ provider, direction: 'input' }, usage.inputTokens);
      if (usage.outputTokens) llmTokens.inc({ provider, direction: 'output' }, usage.outputTokens);
    },
  };

  return {
    registry,
    providers,
    httpRequest(labels: { method: string; route: string; status: number }, seconds: number) {
      httpRequests.observe({ ...labels, status: String(labels.status) }, seconds);
    },
    activity(activity: string, outcome: 'completed' | 'failed' | 'cancelled', seconds: number) {
      activities.observe({ activity, outcome }, seconds);
    },
    /** A gauge read when scraped, so it never drifts from its source. */
    gauge(name: string, help: string, read: () => number) {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    },
    /** A labelled gauge read from an async source (the database) when scraped. */
    labelledGauge<Label extends string>(
      name: string,
      help: string,
      label: Label,
      read: () => Promise<Record<string, number>>,
    ) {
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers,
        async collect() {
          this.reset();
          for (const [value, count] of Object.entries(await read()))
            this.set({ [label]: value } as Record<Label, string>, count);
        },
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
