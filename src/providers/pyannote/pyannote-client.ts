import { openAsBlob } from 'node:fs';
import type { AudioInput, DiarizationPort } from '../../pipeline/provider-ports.ts';
import { fetchWithDeadline, httpFailure, malformedResponse, ProviderError } from '../provider-error.ts';
import { NO_METER, type ProviderMeter } from '../provider-meter.ts';
import { UNLIMITED_BUDGET, type RequestBudget } from '../request-budget.ts';
import type { JobEndings } from './job-endings.ts';

export interface PyannoteOptions {
  apiKey: string;
  baseUrl: string;
  model: string;
  /** The first wait between polls; it doubles as a job runs long, up to `maxPollIntervalMs`. */
  pollIntervalMs: number;
  maxPollIntervalMs?: number;
  /** Overall deadline for one job, upload and polling included. */
  timeoutMs: number;
  requestTimeoutMs?: number;
  meter?: ProviderMeter;
  /** pyannoteAI's per-key limit, shared by every worker: each API request (every poll too) takes from it. */
  budget?: RequestBudget;
  /** pyannoteAI's job webhook: jobs are created with `url` and their ends heard through `endings`, not polled for. */
  webhook?: PyannoteWebhook;
}

export interface PyannoteWebhook {
  /** Public URL of our webhook route, sent with every job. */
  url: string;
  endings: JobEndings;
  /** How long to wait without word before fetching the job anyway, so a lost webhook costs latency, not the job. */
  safetyNetMs?: number;
}

/** Long enough that a lost webhook spends few requests of the shared budget, short enough to be a delay only. */
const SAFETY_NET_MS = 60_000;

interface Job {
  jobId?: string;
  status?: string;
  output?: Record<string, unknown>;
}

/**
 * pyannoteAI: upload the audio to a presigned URL under a `media://` key,
 * submit a job, poll it to a terminal state within a deadline (or, with the
 * webhook configured, wait for pyannoteAI's call and fetch it once).
 * Diarization, voiceprints and identification share that flow.
 */
export function createPyannoteClient(options: PyannoteOptions): DiarizationPort {
  const base = options.baseUrl.replace(/\/$/, '');
  const requestTimeout = options.requestTimeoutMs ?? 60_000;
  const headers = { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' };
  const meter = options.meter ?? NO_METER;
  const budget = options.budget ?? UNLIMITED_BUDGET;
  const maxPollInterval = Math.max(options.pollIntervalMs, options.maxPollIntervalMs ?? 30_000);
  /** pyannoteAI bills jobs by the audio they process, which it does not report: the probed duration stands in. */
  const metered = (audio: AudioInput, output: Record<string, unknown>) => {
    meter.usage('pyannote', { audioSeconds: audio.durationSeconds ?? undefined });
    return output;
  };

  async function call<T>(method: string, path: string, body: unknown, signal: AbortSignal): Promise<T> {
    const init = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    const response = await fetchWithDeadline('pyannote', `${base}${path}`, init, requestTimeout, signal, meter, budget);
    if (!response.ok) throw httpFailure('pyannote', response.status, response.headers);
    try {
      return (await response.json()) as T;
    } catch {
      throw malformedResponse('pyannote');
    }
  }

  async function upload(mediaKey: string, audio: AudioInput, signal: AbortSignal): Promise<void> {
    const { url } = await call<{ url?: string }>('POST', '/v1/media/input', { url: mediaKey }, signal);
    if (!url) throw malformedResponse('pyannote');
    // The presigned URL is used exactly as given: re-encoding its query breaks the signature.
    const response = await fetchWithDeadline(
      'pyannote',
      url,
      { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: await openAsBlob(audio.path) },
      requestTimeout,
      signal,
      meter,
    );
    if (!response.ok) throw httpFailure('pyannote', response.status, response.headers);
  }

  async function runJob(
    path: string,
    body: Record<string, unknown>,
    signal: AbortSignal,
    deadline: number,
    onJobCreated?: (jobId: string) => void,
  ): Promise<Record<string, unknown>> {
    const callback = options.webhook ? { webhook: options.webhook.url } : {};
    const { jobId } = await call<Job>('POST', path, { model: options.model, ...body, ...callback }, signal);
    if (!jobId) throw malformedResponse('pyannote');
    onJobCreated?.(jobId);
    if (options.webhook) return awaitJob(options.webhook, jobId, signal, deadline);
    // A job just created is not done yet: the first poll waits, rather than spending a request to learn that.
    await sleep(Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())), signal);
    return pollJob(jobId, signal, deadline);
  }

  /** The job's output once it succeeded, `undefined` while it runs; a failed or canceled job throws. */
  async function fetchJob(jobId: string, signal: AbortSignal): Promise<Record<string, unknown> | undefined> {
    const job = await call<Job>('GET', `/v1/jobs/${encodeURIComponent(jobId)}`, undefined, signal);
    if (job.status === 'succeeded') {
      if (!job.output) throw malformedResponse('pyannote');
      return job.output;
    }
    if (job.status === 'failed' || job.status === 'canceled')
      throw new ProviderError('pyannote', 'permanent', 'diarization_job_failed', `pyannote job ${job.status}`);
    return undefined;
  }

  const timedOut = () =>
    new ProviderError('pyannote', 'transient', 'diarization_timeout', 'pyannote job did not finish in time');

  /**
   * Polls until the job ends, waiting twice as long after each `running` (up to the cap): a long job is
   * polled less often, so the shared per-key budget goes to jobs that are about to finish and new ones.
   */
  async function pollJob(jobId: string, signal: AbortSignal, deadline: number): Promise<Record<string, unknown>> {
    for (let interval = options.pollIntervalMs; ; interval = Math.min(interval * 2, maxPollInterval)) {
      const output = await fetchJob(jobId, signal);
      if (output) return output;
      const left = deadline - Date.now();
      if (left <= 0) throw timedOut();
      await sleep(Math.min(interval, left), signal);
    }
  }

  /**
   * Waits for the webhook's word that the job ended, then fetches it once: one request per job instead
   * of one per poll. The delivered output is not used: it reaches the API process, and the bus that
   * wakes us carries only the job id. Without word the job is fetched at the safety-net interval.
   */
  async function awaitJob(
    webhook: PyannoteWebhook,
    jobId: string,
    signal: AbortSignal,
    deadline: number,
  ): Promise<Record<string, unknown>> {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw timedOut();
      await webhook.endings.wait(jobId, Math.min(webhook.safetyNetMs ?? SAFETY_NET_MS, left), signal);
      const output = await fetchJob(jobId, signal);
      if (output) return output;
    }
  }

  /** A job created by an earlier attempt: it may have ended while nobody listened, so it is fetched first. */
  async function resumeJob(jobId: string, signal: AbortSignal, deadline: number): Promise<Record<string, unknown>> {
    if (!options.webhook) return pollJob(jobId, signal, deadline);
    return (await fetchJob(jobId, signal)) ?? awaitJob(options.webhook, jobId, signal, deadline);
  }

  return {
    provider: 'pyannote',
    model: options.model,

    async diarize(request, signal) {
      const deadline = Date.now() + options.timeoutMs;
      if (request.resumeJobId) {
        const resumed = await resumeJob(request.resumeJobId, signal, deadline).catch((error: unknown) => {
          // A job the provider no longer knows (expired, or never really created) is started afresh.
          if (error instanceof ProviderError && error.status === 404) return undefined;
          throw error;
        });
        if (resumed) return metered(request.audio, resumed);
      }
      await upload(request.mediaKey, request.audio, signal);
      const body = { url: request.mediaKey, ...(request.maxSpeakers ? { maxSpeakers: request.maxSpeakers } : {}) };
      return metered(request.audio, await runJob('/v1/diarize', body, signal, deadline, request.onJobCreated));
    },

    async identify(request, signal) {
      const deadline = Date.now() + options.timeoutMs;
      await upload(request.mediaKey, request.audio, signal);
      const body = {
        url: request.mediaKey,
        voiceprints: [{ label: request.label, voiceprint: request.voiceprint }],
        matching: { exclusive: true, threshold: 0 },
      };
      return metered(request.audio, await runJob('/v1/identify', body, signal, deadline));
    },

    async createVoiceprint(audio, signal) {
      const deadline = Date.now() + options.timeoutMs;
      const mediaKey = `media://scryon-voiceprint-${crypto.randomUUID()}`;
      await upload(mediaKey, audio, signal);
      const output = await runJob('/v1/voiceprint', { url: mediaKey }, signal, deadline);
      if (typeof output.voiceprint !== 'string' || output.voiceprint === '') throw malformedResponse('pyannote');
      return output.voiceprint;
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
