import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedTarget } from './outbound-address.ts';

export interface SendResult {
  /** Absent when no response arrived (refused, reset, timed out). */
  statusCode?: number;
  /** A response's `Retry-After`, as sent. */
  retryAfter?: string;
  /**
   * `connection_failed` when no response arrived, for whatever reason: the
   * attempt log is the owner's to read, and telling a refused connection
   * from a reset or a timeout would let them map which ports of a public
   * host are closed, filtered or speak something else.
   */
  error?: string;
  durationMs: number;
}

export const CONNECTION_FAILED = 'connection_failed';

/** How much of a receiver's body is drained before the connection is dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST to the checked address, answered by the response's status and
 * bounded by `timeoutMs` from connect to the last byte read. node:http
 * follows no redirect, so a 3xx is an answer like any other; TLS still
 * verifies the certificate against the URL's host. Every failure to get an
 * answer ends at the deadline and reads the same (see `SendResult.error`):
 * a refused port would otherwise answer in a millisecond and a filtered one
 * in `timeoutMs`.
 */
export function sendWebhook(
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(target.url, {
      method: 'POST',
      lookup: pinned,
      agent: false,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Scryon-Webhooks/1',
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The status is the answer: it counts as soon as it arrives, and the body is only drained (up to a cap), so
    // a receiver that answers and then trickles its body cannot turn a 200 or a 410 into "no answer".
    request.on('response', (response) => {
      const retryAfter = response.headers['retry-after'];
      resolve({ statusCode: response.statusCode ?? 0, ...(retryAfter ? { retryAfter } : {}), durationMs: elapsed() });
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) response.destroy();
      });
      // The answer is already given: a body cut off by the cap or the timeout is no error of the attempt's.
      response.on('error', () => undefined);
    });
    request.on('error', () => {
      const failed = () => resolve({ error: CONNECTION_FAILED, durationMs: timeoutMs });
      const left = timeoutMs - elapsed();
      if (left > 0) setTimeout(failed, left);
      else failed();
    });
    request.end(body);
  });
}
