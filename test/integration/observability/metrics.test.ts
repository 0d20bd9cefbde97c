import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { startPipelineApp, submitFixture, waitForStatus, type PipelineApp } from '../../harness/pipeline-app.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, as a scraper reads it: one sample per line, `# ` lines skipped. */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!match) throw new Error(`not an exposition line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1], label[2]]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

function sum(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((total, sample) => total + sample.value, 0);
}

describe('GET /metrics after one call has completed', () => {
  let pipeline: PipelineApp;
  let user: EmulatorUser;
  let samples: Sample[];
  let exposition: string;

  beforeAll(async () => {
    pipeline = await startPipelineApp({ env: { SCRYON_METRICS_PORT: '0' } });
    user = await signUpUser();
    const callId = await submitFixture(pipeline.scryon, user.idToken, 'wav', {
      contactName: 'Ravi',
      direction: 'INCOMING',
    });
    expect(await waitForStatus(pipeline.scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const response = await fetch(pipeline.scryon.app.metricsUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    exposition = await response.text();
    samples = parseExposition(exposition);
  });
  afterAll(() => pipeline.close());

  it('is served on its own listener, not on the API port', async () => {
    expect(new URL(pipeline.scryon.app.metricsUrl!).port).not.toBe(new URL(pipeline.scryon.url).port);
    expect((await pipeline.scryon.fetch('/metrics')).status).toBe(404);
  });

  it('counts the upload and the polls by route template and status, with durations', () => {
    const upload = { method: 'POST', route: '/api/calls/analyze', status: '202' };
    expect(sum(samples, 'scryon_http_request_duration_seconds_count', upload)).toBe(1);
    expect(sum(samples, 'scryon_http_request_duration_seconds_sum', upload)).toBeGreaterThan(0);
    expect(
      sum(samples, 'scryon_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/calls/status',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    // Routes, never raw paths: no call id appears in any label.
    expect(
      samples.some((sample) => Object.values(sample.labels).some((value) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(value))),
    ).toBe(false);
  });

  it('times every stage of the call as a completed activity', () => {
    for (const activity of [
      'preprocessAudio',
      'transcribeAudio',
      'diarizeSpeakers',
      'normalizeTranscript',
      'analyzeTranscript',
    ]) {
      expect(
        sum(samples, 'scryon_pipeline_activity_duration_seconds_count', { activity, outcome: 'completed' }),
        activity,
      ).toBeGreaterThanOrEqual(1);
    }
    expect(sum(samples, 'scryon_pipeline_activity_duration_seconds_count', { outcome: 'failed' })).toBe(0);
  });

  it('counts provider requests, their latency, and the audio seconds and LLM tokens they consumed', () => {
    for (const provider of ['lemonfox', 'pyannote', 'openai']) {
      expect(
        sum(samples, 'scryon_provider_request_duration_seconds_count', { provider, outcome: 'ok' }),
        provider,
      ).toBeGreaterThanOrEqual(1);
      expect(sum(samples, 'scryon_provider_request_duration_seconds_sum', { provider })).toBeGreaterThan(0);
    }
    const transcribed = sum(samples, 'scryon_provider_audio_seconds_total', { provider: 'lemonfox' });
    expect(transcribed).toBeGreaterThan(1);
    expect(transcribed).toBeLessThan(600);
    expect(sum(samples, 'scryon_provider_audio_seconds_total', { provider: 'pyannote' })).toBeCloseTo(transcribed, 0);
    expect(
      sum(samples, 'scryon_provider_llm_tokens_total', { provider: 'openai', direction: 'input' }),
    ).toBeGreaterThan(0);
    expect(
      sum(samples, 'scryon_provider_llm_tokens_total', { provider: 'openai', direction: 'output' }),
    ).toBeGreaterThan(0);
  });

  it('reports calls by status, open subscriptions and the event loop', () => {
    expect(sum(samples, 'scryon_calls', { status: 'COMPLETED' })).toBe(1);
    expect(samples.some((sample) => sample.name === 'scryon_open_subscriptions')).toBe(true);
    // No endpoint exists here: both states are reported, at zero.
    expect(
      samples
        .filter((sample) => sample.name === 'scryon_webhook_deliveries')
        .map((sample) => [sample.labels.state, sample.value])
        .sort(),
    ).toEqual([
      ['retrying', 0],
      ['undispatched', 0],
    ]);
    expect(sum(samples, 'scryon_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
  });
});
