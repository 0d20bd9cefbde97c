import type { ProviderFailure } from '../pipeline/provider-ports.ts';
import { meteredFetch, NO_METER, type ProviderMeter, type ProviderName } from './provider-meter.ts';
import { UNLIMITED_BUDGET, type RequestBudget } from './request-budget.ts';

/** The code prefix each provider's failures carry in a call's errorReason. */
const STAGE: Record<ProviderName, string> = { lemonfox: 'transcription', pyannote: 'diarization', openai: 'analysis' };

export class ProviderError extends Error implements ProviderFailure {
  readonly provider: ProviderName;
  readonly kind: 'transient' | 'permanent';
  readonly code: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** What the provider billed although the request failed (a completion cut off by its token limit). */
  readonly billed: { inputTokens: number; outputTokens: number } | undefined;

  constructor(
    provider: ProviderName,
    kind: 'transient' | 'permanent',
    code: string,
    message: string,
    status?: number,
    retryAfterMs?: number,
    billed?: { inputTokens: number; outputTokens: number },
  ) {
    super(message);
    this.name = 'ProviderError';
    this.provider = provider;
    this.kind = kind;
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.billed = billed;
  }
}

/** 429 and 5xx are worth retrying; any other 4xx is final. */
export function httpFailure(provider: ProviderName, status: number, headers: Headers): ProviderError {
  const stage = STAGE[provider];
  if (status === 429)
    return new ProviderError(
      provider,
      'transient',
      `${stage}_rate_limited`,
      `${provider} rate limited the request`,
      status,
      retryAfter(headers),
    );
  if (status >= 500)
    return new ProviderError(
      provider,
      'transient',
      `${stage}_5xx`,
      `${provider} answered ${status}`,
      status,
      retryAfter(headers),
    );
  return new ProviderError(
    provider,
    'permanent',
    `${stage}_4xx`,
    `${provider} refused the request (${status})`,
    status,
  );
}

export function networkFailure(provider: ProviderName, error: unknown): ProviderError {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  const stage = STAGE[provider];
  return new ProviderError(
    provider,
    'transient',
    timedOut ? `${stage}_timeout` : `${stage}_network`,
    `${provider} could not be reached${timedOut ? ' in time' : ''}`,
  );
}

export function malformedResponse(provider: ProviderName): ProviderError {
  return new ProviderError(
    provider,
    'permanent',
    `${STAGE[provider]}_malformed_response`,
    `${provider} answered with something that is not the documented JSON`,
  );
}

/** `retry-after-ms` (OpenAI) or `retry-after` in seconds or as an HTTP date. */
export function retryAfter(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** fetch with a deadline that also honours the caller's cancellation, metered, within the provider's budget. */
export async function fetchWithDeadline(
  provider: ProviderName,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal?: AbortSignal,
  meter: ProviderMeter = NO_METER,
  budget: RequestBudget = UNLIMITED_BUDGET,
): Promise<Response> {
  // The deadline starts once the budget lets the request go: waiting for a slot is not the provider being slow.
  const send = () => {
    const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
    return meteredFetch(provider, meter)(url, { ...init, signal: AbortSignal.any(signals) });
  };
  try {
    return await sendWithinBudget(provider, budget, send, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw networkFailure(provider, error);
  }
}

/** A 429 answered this often in a row is handed to the caller (and Temporal's retries) as a failure. */
const RATE_LIMITED_RESENDS = 3;
/** A 429 without Retry-After still pauses everyone, briefly. */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 2_000;

/**
 * Takes a slot before each send and reads the answer's budget headers. A 429 pauses the shared budget
 * for every worker for its Retry-After and is sent again here: it says "not yet", not "failed", and a
 * retried stage attempt would count towards the attempts after which diarization falls back.
 */
export async function sendWithinBudget(
  provider: ProviderName,
  budget: RequestBudget,
  send: () => Promise<Response>,
  signal?: AbortSignal | null,
): Promise<Response> {
  for (let resent = 0; ; resent += 1) {
    await budget.take(provider, 1, signal ?? undefined);
    const response = await send();
    await budget.observe(provider, response.headers);
    // Without a budget there is nothing shared to wait in: the 429 goes to the caller, Temporal retries.
    if (response.status !== 429 || resent >= RATE_LIMITED_RESENDS || budget === UNLIMITED_BUDGET) return response;
    await budget.pause(provider, retryAfter(response.headers) ?? DEFAULT_RATE_LIMIT_PAUSE_MS);
    await response.body?.cancel().catch(() => undefined);
  }
}

/** A fetch for SDKs that take one: every request within the provider's budget. */
export function budgetedFetch(provider: ProviderName, budget: RequestBudget, fetchImpl: typeof fetch): typeof fetch {
  return (input, init) => sendWithinBudget(provider, budget, () => fetchImpl(input, init), init?.signal);
}
