import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Honours a client's `X-Request-Id` when it is a plain token, so it can't inject into logs. */
export function requestIdFor(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  const presented = Array.isArray(header) ? header[0] : header;
  return presented && SAFE_REQUEST_ID.test(presented) ? presented : randomUUID();
}
