import http from 'node:http';
import { startSandboxProviders } from '../../src/providers/sandbox/sandbox-providers.ts';
import type { FakeControl } from '../../src/providers/sandbox/fake-control.ts';

/**
 * The provider fakes as their own process, so their CPU is not counted in the
 * Scryon process a bench measures. Prints one line, `FAKES {json}`, with the
 * three base URLs and a control URL whose `GET /counts` answers the 2xx
 * ("paid") requests per provider and route, and under `over-limit` the requests
 * refused with 429 because their key was past the provider's documented limit.
 *
 * Latency per route from BENCH_FAKE_LATENCY_MS (JSON), by default the
 * realistic one: transcription 2 s, a diarization job 5 s, an LLM answer 2 s.
 */
const latencyMs = JSON.parse(
  process.env.BENCH_FAKE_LATENCY_MS ?? '{"transcribe":2000,"diarize":5000,"chat":2000}',
) as Record<string, number>;
const fakes = await startSandboxProviders({ latencyMs });

function paidCounts(control: FakeControl): Record<string, number> {
  // Requests refused past the provider's documented limit, which the fakes enforce.
  const counts: Record<string, number> = { 'over-limit': control.overLimit };
  for (const request of control.requests)
    if (request.status >= 200 && request.status < 300) counts[request.route] = (counts[request.route] ?? 0) + 1;
  return counts;
}

const controlServer = http.createServer((request, response) => {
  if (request.method !== 'GET' || request.url !== '/counts') return void response.writeHead(404).end();
  const body = {
    lemonfox: paidCounts(fakes.lemonfox),
    pyannote: paidCounts(fakes.pyannote),
    openai: paidCounts(fakes.openai),
  };
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
});
await new Promise<void>((resolve) => controlServer.listen(0, '127.0.0.1', resolve));
const address = controlServer.address();
const controlUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const announced = {
  lemonfoxBaseUrl: fakes.lemonfoxBaseUrl,
  pyannoteBaseUrl: fakes.pyannoteBaseUrl,
  openaiBaseUrl: fakes.openaiBaseUrl,
  controlUrl,
  latencyMs,
};
process.stdout.write(`FAKES ${JSON.stringify(announced)}\n`);
process.on('SIGTERM', () => {
  controlServer.close();
  void fakes.close().then(() => process.exit(0));
});
