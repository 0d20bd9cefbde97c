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

/** What a test (or the dev sandbox) can script and observe on one fake provider. */
export class FakeControl {
  readonly requests: LoggedRequest[] = [];
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
}
