import type OpenAI from 'openai';
import type { AnalysisPort } from '../../pipeline/provider-ports.ts';
import { budgetedFetch, networkFailure, ProviderError, retryAfter } from '../provider-error.ts';
import { meteredFetch, NO_METER, type ProviderMeter } from '../provider-meter.ts';
import { UNLIMITED_BUDGET, type RequestBudget } from '../request-budget.ts';

type OpenAiSdk = typeof OpenAI;

export interface OpenAiOptions {
  apiKey: string;
  baseUrl: string;
  model: string;
  timeoutMs: number;
  temperature: number;
  meter?: ProviderMeter;
  /** Shared by every worker; slowed by the `x-ratelimit-*` headers OpenAI answers with. */
  budget?: RequestBudget;
}

/**
 * Structured analysis through the `openai` SDK. The SDK never retries here
 * (maxRetries 0): Temporal owns retries, so a replay is visible in history and
 * honours the provider's retry-after. The SDK is loaded on the first call, so
 * processes that never analyse (the API role) never load it.
 */
export function createOpenAiAnalysisClient(options: OpenAiOptions): AnalysisPort {
  const meter = options.meter ?? NO_METER;
  // The SDK's timeout includes any wait for the budget: a wait past it is a transient failure Temporal retries.
  const fetchWithinBudget = budgetedFetch('openai', options.budget ?? UNLIMITED_BUDGET, meteredFetch('openai', meter));
  let sdk: Promise<{ OpenAI: OpenAiSdk; client: OpenAI }> | undefined;
  const loadSdk = () =>
    (sdk ??= import('openai').then(({ default: OpenAI }) => ({
      OpenAI,
      client: new OpenAI({
        apiKey: options.apiKey,
        baseURL: options.baseUrl,
        maxRetries: 0,
        timeout: options.timeoutMs,
        fetch: fetchWithinBudget,
      }),
    })));
  return {
    provider: 'openai',
    model: options.model,
    async complete(prompt, responseFormat, signal) {
      const { OpenAI, client } = await loadSdk();
      try {
        const completion = await client.chat.completions.create(
          {
            model: options.model,
            temperature: options.temperature,
            messages: [
              { role: 'system', content: prompt.system },
              { role: 'user', content: prompt.user },
            ],
            response_format: responseFormat as OpenAI.ResponseFormatJSONSchema,
          },
          { signal },
        );
        meter.usage('openai', {
          inputTokens: completion.usage?.prompt_tokens,
          outputTokens: completion.usage?.completion_tokens,
        });
        const usage = completion.usage
          ? { inputTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens }
          : undefined;
        const choice = completion.choices[0];
        if (!choice?.message.content) {
          const reason = choice?.message.refusal ? 'the model refused' : 'the model returned no content';
          throw new ProviderError(
            'openai',
            'transient',
            'analysis_invalid_output',
            reason,
            undefined,
            undefined,
            usage,
          );
        }
        if (choice.finish_reason === 'length')
          throw new ProviderError(
            'openai',
            'transient',
            'analysis_invalid_output',
            'the model ran out of tokens',
            undefined,
            undefined,
            usage,
          );
        return { content: choice.message.content, usage };
      } catch (error) {
        throw toProviderError(error, signal, OpenAI);
      }
    },
  };
}

function toProviderError(error: unknown, signal: AbortSignal, sdk: OpenAiSdk): unknown {
  if (error instanceof ProviderError || signal.aborted) return error;
  if (error instanceof sdk.APIConnectionError || error instanceof sdk.APIConnectionTimeoutError)
    return networkFailure('openai', error);
  if (error instanceof sdk.APIError && typeof error.status === 'number') {
    const headers = new Headers((error.headers as Record<string, string> | undefined) ?? {});
    if (error.status === 429)
      return new ProviderError(
        'openai',
        'transient',
        'analysis_rate_limited',
        'openai rate limited the request',
        429,
        retryAfter(headers),
      );
    if (error.status >= 500)
      return new ProviderError(
        'openai',
        'transient',
        'analysis_5xx',
        `openai answered ${error.status}`,
        error.status,
        retryAfter(headers),
      );
    return new ProviderError(
      'openai',
      'permanent',
      'analysis_4xx',
      `openai refused the request (${error.status})`,
      error.status,
    );
  }
  if (error instanceof SyntaxError)
    return new ProviderError('openai', 'transient', 'analysis_invalid_output', 'openai answered with malformed JSON');
  return error;
}
