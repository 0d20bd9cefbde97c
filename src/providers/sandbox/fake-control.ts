/** A scripted failure a fake answers with instead of its normal response. */
export type Fault =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { hang: true }
  | { malformed: true }
  /** OpenAI only: a 200 whose message content is not the requested JSON. */
  | { invalidContent: true };

export interface LoggedRequest {
  route: string;
  method: string;
  path: string;
  /** Multipart fields (repeated ones as arrays) or the JSON body; never the Authorization header. */
  fields?: Record<string, string | string[]>;
  body?: unknown;
  contentType?: string | undefined;
  byteLength?: number;
  status: number;
}

/** A provider's documented limit: at most `requests` (and `tokens`, OpenAI) per API key per sliding window. */
export interface FakeRateLimit {
  requests: number;
  windowMs: number;
  /** OpenAI only: tokens per window, each request charged what the fake bills for it. */
  tokens?: number;
}

/** What a request arriving now may do under the limit, and what the provider's headers say about it. */
export type Admission =
  | { admitted: true; limit: FakeRateLimit; remainingRequests: number; remainingTokens: number; resetMs: number }
  | { admitted: false; limit: FakeRateLimit; retryAfterMs: number; remainingTokens: number };

/** What a test (or the dev sandbox) can script and observe on one fake provider. */
export class FakeControl {
  readonly requests: LoggedRequest[] = [];
  /** Enforced per Authorization header when set; answered with 429 and the provider's headers beyond it. */
  rateLimit: FakeRateLimit | undefined;
  /** Requests refused because their key was over the limit: what a test asserts a client never caused. */
  overLimit = 0;
  private readonly arrivals = new Map<string, number[]>();
  /**
   * Wall time a route takes, in ms: a request route answers after it, an
   * async job (pyannote's `diarize`, `identify`, `voiceprint`) stays `running`
   * for it after creation. None by default, so tests run at loopback speed.
   */
  latencyMs: Partial<Record<string, number>> = {};
  private readonly queued = new Map<string, Fault[]>();
  private readonly always = new Map<string, Fault>();

  /** The next requests to `route` fail with these faults, one each, then it recovers. */
  failNext(route: string, ...faults: Fault[]): void {
    this.queued.set(route, [...(this.queued.get(route) ?? []), ...faults]);
  }

  failAlways(route: string, fault: Fault): void {
    this.always.set(route, fault);
  }

  reset(): void {
    this.requests.length = 0;
    this.overLimit = 0;
    this.arrivals.clear();
    this.queued.clear();
    this.always.clear();
  }

  takeFault(route: string): Fault | undefined {
    const queue = this.queued.get(route);
    if (queue?.length) return queue.shift();
    return this.always.get(route);
  }

  /** Waits out the route's latency on a timer, so a slow provider never blocks the fakes' event loop. */
  async latency(route: string): Promise<void> {
    const ms = this.latencyMs[route] ?? 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Requests to `route` answered with a 2xx (the "paid" ones). */
  succeeded(route: string): LoggedRequest[] {
    return this.requests.filter((request) => request.route === route && request.status >= 200 && request.status < 300);
  }

  /** Counts a request from `key` arriving now costing `tokens`, the way the provider's sliding window does. */
  admit(key: string, tokens = 0, now = Date.now()): Admission | undefined {
    const limit = this.rateLimit;
    if (!limit) return undefined;
    const arrived = (this.arrivals.get(key) ?? []).filter((time) => time > now - limit.windowMs);
    this.arrivals.set(key, arrived);
    const tokensUsed = arrived.length * tokens;
    const remainingTokens = limit.tokens === undefined ? Number.POSITIVE_INFINITY : limit.tokens - tokensUsed;
    // The oldest request in the window frees its slot when it ages out of it.
    const freedAt = (arrived[0] ?? now) + limit.windowMs;
    if (arrived.length >= limit.requests || remainingTokens < tokens) {
      this.overLimit += 1;
      const retryAfterMs = Math.max(1, freedAt - now);
      return { admitted: false, limit, retryAfterMs, remainingTokens: Math.max(0, remainingTokens) };
    }
    arrived.push(now);
    const left = { remainingRequests: limit.requests - arrived.length, remainingTokens: remainingTokens - tokens };
    return { admitted: true, limit, ...left, resetMs: Math.max(0, freedAt - now) };
  }
}
