import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { startSandboxProviders, type SandboxProviders } from '../../src/providers/sandbox/sandbox-providers.ts';
import { json, uploadCall } from './calls-client.ts';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.ts';

export interface PipelineApp {
  scryon: TestApp;
  fakes: SandboxProviders;
  close(): Promise<void>;
}

/**
 * Scryon with the real provider clients pointed at protocol-faithful fakes on
 * loopback (faults scriptable per test) and artifacts in fake-gcs-server.
 */
export async function startPipelineApp(options: TestAppOptions = {}): Promise<PipelineApp> {
  const fakes = await startSandboxProviders();
  const scryon = await startTestApp({
    ...options,
    env: { ...providerEnv(fakes), ...gcsEnv(), SCRYON_VOICE_EMBEDDING_ENABLED: 'false', ...options.env },
  });
  return {
    scryon,
    fakes,
    async close() {
      await scryon.close();
      await fakes.close();
    },
  };
}

export function providerEnv(fakes: SandboxProviders): Record<string, string> {
  return {
    SCRYON_SANDBOX_PROVIDERS: 'false',
    LEMONFOX_API_KEY: 'test-lemonfox-key',
    LEMONFOX_BASE_URL: fakes.lemonfoxBaseUrl,
    PYANNOTE_ENABLED: 'true',
    PYANNOTE_API_KEY: 'test-pyannote-key',
    PYANNOTE_BASE_URL: fakes.pyannoteBaseUrl,
    OPENAI_API_KEY: 'test-openai-key',
    OPENAI_BASE_URL: fakes.openaiBaseUrl,
    SCRYON_DIARIZATION_POLL_INTERVAL_SECONDS: '0.05',
  };
}

export function gcsEnv(): Record<string, string> {
  return {
    OBJECT_STORAGE_PROVIDER: 'gcs',
    GCS_BUCKET: `scryon-test-${randomBytes(4).toString('hex')}`,
    GCS_API_ENDPOINT: inject('gcsEndpoint'),
    GOOGLE_CLOUD_PROJECT: 'scryon-test',
  };
}

export function fixture(name: string): Buffer {
  return readFileSync(path.resolve('test/fixtures/audio', name));
}

const CONTENT_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
};

export async function submitFixture(
  scryon: TestApp,
  token: string,
  format: string,
  metadata: Record<string, unknown> = {},
): Promise<string> {
  const response = await uploadCall(scryon, token, {
    file: {
      bytes: fixture(`two-party-call.${format}`),
      filename: `call.${format}`,
      contentType: CONTENT_TYPES[format] ?? 'application/octet-stream',
    },
    metadata,
  });
  expect(response.status).toBe(202);
  return (await json(response)).callId;
}

/** Polls bulk status until the call reaches one of `statuses` (the API a client would use). */
export async function waitForStatus(
  scryon: TestApp,
  token: string,
  callId: string,
  statuses: string[],
  timeoutMs = 90_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'unknown';
  while (Date.now() < deadline) {
    const body = await json(await scryon.fetch(`/api/calls/status?ids=${callId}`, { token }));
    last = body.items[0]?.status ?? 'missing';
    if (statuses.includes(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`call ${callId} stayed ${last}, expected ${statuses.join('/')}`);
}
