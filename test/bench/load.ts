import http from 'node:http';

export interface LoadResult {
  requests: number;
  seconds: number;
  throughput: number;
  /** Every successful request's latency, in completion order. */
  latenciesMs: number[];
  errors: number;
}

/**
 * Windows of load on one server, summed up: median throughput across windows, latency percentiles over all requests.
 */
export interface LoadSummary {
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/**
 * A bounded closed-loop load generator on loopback: `concurrency` keep-alive
 * clients send the same request for `seconds`, then it stops by itself.
 */
export async function runLoad(options: {
  url: string;
  headers?: Record<string, string>;
  concurrency: number;
  seconds: number;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const status = await get(options.url, options.headers ?? {}, agent).catch(() => 0);
      if (status === 200) latencies.push(performance.now() - t0);
      else errors += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: latencies.length,
    seconds,
    throughput: latencies.length / seconds,
    latenciesMs: latencies,
    errors,
  };
}

export function summarizeLoad(windows: LoadResult[]): LoadSummary {
  const latencies = windows.flatMap((window) => window.latenciesMs).sort((a, b) => a - b);
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    throughput: median(windows.map((window) => window.throughput)),
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
    errors: windows.reduce((total, window) => total + window.errors, 0),
  };
}

function get(url: string, headers: Record<string, string>, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
