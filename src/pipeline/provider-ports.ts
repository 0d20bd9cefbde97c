/**
 * What the pipeline needs from each provider, and nothing more. The real
 * clients (and the sandbox fakes, which speak the same wire formats) sit
 * behind these; activities never touch an SDK.
 */

export interface AudioInput {
  path: string;
  contentType: string;
  filename: string;
  /** When probed: what providers that do not say how much audio they processed are metered by. */
  durationSeconds?: number | null | undefined;
}

export interface TranscriptionPort {
  readonly provider: string;
  readonly model: string;
  /** Returns the provider's verbose JSON verbatim (as text) — it is stored unchanged. */
  transcribe(audio: AudioInput, signal: AbortSignal, hints?: TranscriptionHints): Promise<string>;
}

/** What is known of the call's speakers before anyone listens (their names, from the upload and the profile). */
export interface TranscriptionHints {
  userName?: string | null;
  contactName?: string | null;
}

export interface DiarizationRequest {
  mediaKey: string;
  audio: AudioInput;
  maxSpeakers?: number | undefined;
  /** A job an earlier attempt already created (and paid for): polled instead of creating another. */
  resumeJobId?: string | undefined;
  /** Told the id of a job as soon as it exists, so a crashed attempt's successor can resume it. */
  onJobCreated?: ((jobId: string) => void) | undefined;
}

export interface DiarizationPort {
  readonly provider: string;
  readonly model: string;
  diarize(request: DiarizationRequest, signal: AbortSignal): Promise<unknown>;
  identify(
    request: { mediaKey: string; audio: AudioInput; voiceprint: string; label: string },
    signal: AbortSignal,
  ): Promise<unknown>;
  createVoiceprint(audio: AudioInput, signal: AbortSignal): Promise<string>;
}

export interface AnalysisPort {
  readonly provider: string;
  readonly model: string;
  /** Returns the model's message content (JSON text) and the tokens it billed, or throws a ProviderFailure. */
  complete(prompt: { system: string; user: string }, responseFormat: unknown, signal: AbortSignal): Promise<Completion>;
}

export interface Completion {
  content: string;
  usage: { inputTokens: number; outputTokens: number } | undefined;
}

/**
 * How a provider failed, so the activity knows whether Temporal should retry
 * (network, 429, 5xx) or the call should fail now (other 4xx, bad input).
 */
export interface ProviderFailure extends Error {
  kind: 'transient' | 'permanent';
  /** Short errorReason code, e.g. transcription_4xx. */
  code: string;
  retryAfterMs?: number | undefined;
  /** What the provider billed although the request failed. */
  billed?: { inputTokens: number; outputTokens: number } | undefined;
}

export function isProviderFailure(error: unknown): error is ProviderFailure {
  const candidate = error as Partial<ProviderFailure> | null;
  return Boolean(
    candidate &&
      (candidate.kind === 'transient' || candidate.kind === 'permanent') &&
      typeof candidate.code === 'string',
  );
}
