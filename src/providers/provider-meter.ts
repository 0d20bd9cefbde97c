export type ProviderName = 'lemonfox' | 'pyannote' | 'openai';

/** What one provider request consumed, as the provider reported it. */
export interface ProviderUsage {
  audioSeconds?: number | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
}

/** Where provider clients report each HTTP request and what it consumed (metrics, later cost). */
export interface ProviderMeter {
  /** `outcome`: `ok`, the status code of a refusal, `timeout` or `network`. */
  request(provider: ProviderName, outcome: string, seconds: number): void;
  usage(provider: ProviderName, usage: ProviderUsage): void;
}

export const NO_METER: ProviderMeter = { request: () => undefined, usage: () => undefined };

/**
 * A fetch that reports each request's latency and outcome. The OpenAI SDK is
 * handed it as its `fetch`, and the hand-written clients call through it, so
 * every provider request is counted in one place.
 */
export function meteredFetch(
  provider: ProviderName,
  meter: ProviderMeter,
  fetchImpl: typeof fetch = fetch,
): typeof fetch {
  return async (input, init) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const response = await fetchImpl(input, init);
      meter.request(provider, response.ok ? 'ok' : String(response.status), seconds());
      return response;
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      meter.request(provider, timedOut ? 'timeout' : 'network', seconds());
      throw error;
    }
  };
}
