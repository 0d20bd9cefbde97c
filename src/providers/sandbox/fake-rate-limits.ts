import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Admission, FakeControl, FakeRateLimit } from './fake-control.ts';

/**
 * The limits the providers document, which the fakes enforce by default so every load test meets the
 * wall production has. pyannoteAI: 100 requests a minute per key, sliding
 * (https://docs.pyannote.ai/ratelimits). OpenAI publishes per-tier limits in its headers; these are
 * tier 1's for gpt-4o-mini. Lemonfox publishes none, so its fake has none unless a test sets one.
 */
export const DOCUMENTED_LIMITS: Record<'lemonfox' | 'pyannote' | 'openai', FakeRateLimit | undefined> = {
  lemonfox: undefined,
  pyannote: { requests: 100, windowMs: 60_000 },
  openai: { requests: 500, tokens: 200_000, windowMs: 60_000 },
};

/** What the OpenAI fake bills each completion (its `usage`), charged against the token limit. */
export const OPENAI_FAKE_TOKENS = 150;

type Provider = keyof typeof DOCUMENTED_LIMITS;

/**
 * Counts the request against its key's window and sets the provider's rate-limit headers; past the limit
 * answers 429 as the provider documents it and returns true. The presigned upload is another host's.
 */
export function answerRateLimit(
  provider: Provider,
  control: FakeControl,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  if (provider === 'pyannote' && request.url?.startsWith('/presigned-upload')) return false;
  const tokens = provider === 'openai' ? OPENAI_FAKE_TOKENS : 0;
  const admission = control.admit(request.headers.authorization ?? '', tokens);
  if (!admission) return false;
  const headers = rateLimitHeaders(provider, admission);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (admission.admitted) return false;
  const path = request.url ?? '/';
  control.requests.push({ route: 'rate-limited', method: request.method ?? 'GET', path, status: 429 });
  request.resume();
  const retryAfterSeconds = String(Math.ceil(admission.retryAfterMs / 1000));
  const body =
    provider === 'pyannote'
      ? { requestId: randomUUID(), message: 'Rate limit exceeded' }
      : { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
  response.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfterSeconds });
  response.end(JSON.stringify(body));
  return true;
}

function rateLimitHeaders(provider: Provider, admission: Admission): Record<string, string> {
  const { limit } = admission;
  const remaining = admission.admitted ? admission.remainingRequests : 0;
  const resetMs = admission.admitted ? admission.resetMs : admission.retryAfterMs;
  if (provider === 'openai') {
    return {
      'x-ratelimit-limit-requests': String(limit.requests),
      'x-ratelimit-remaining-requests': String(remaining),
      'x-ratelimit-reset-requests': `${Math.ceil(resetMs)}ms`,
      ...(limit.tokens === undefined
        ? {}
        : {
            'x-ratelimit-limit-tokens': String(limit.tokens),
            'x-ratelimit-remaining-tokens': String(admission.remainingTokens),
            'x-ratelimit-reset-tokens': `${Math.ceil(resetMs)}ms`,
          }),
    };
  }
  const headers: Record<string, string> = {
    'x-ratelimit-limit': String(limit.requests),
    'x-ratelimit-remaining': String(remaining),
  };
  // pyannoteAI adds the reset time (epoch seconds) to a 429 only.
  if (!admission.admitted) headers['x-ratelimit-reset'] = String(Math.ceil((Date.now() + resetMs) / 1000));
  return headers;
}
