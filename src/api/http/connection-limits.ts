import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { AppError, toEnvelope, type ErrorCode } from '../../errors/app-error.ts';
import { clientAddressKey } from './client-address.ts';

/** How long a connection may take and how many there may be (config `http.*`). */
export interface HttpLimits {
  /** The whole request, headers and body, must arrive within this (`SCRYON_HTTP_REQUEST_TIMEOUT_SECONDS`). */
  requestTimeoutMs: number;
  /** No byte in either direction for this long closes the connection (`SCRYON_HTTP_IDLE_TIMEOUT_SECONDS`). */
  idleTimeoutMs: number;
  /** Open connections beyond this are refused at accept (`SCRYON_HTTP_MAX_CONNECTIONS`). */
  maxConnections: number;
  /**
   * Open connections of one client address (an IPv6 client's /64) beyond this are refused at accept, so no one
   * address can hold every slot (`SCRYON_HTTP_MAX_CONNECTIONS_PER_ADDRESS`). A trusted proxy is not held to it.
   */
  maxConnectionsPerAddress: number;
  /**
   * The request line and headers must arrive within this, or the request timeout if shorter
   * (`SCRYON_HTTP_HEADERS_TIMEOUT_SECONDS`): a client slow to say what it wants holds a slot for nothing.
   */
  headersTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  requestTimeoutMs: 300_000,
  idleTimeoutMs: 30_000,
  maxConnections: 1_000,
  maxConnectionsPerAddress: 100,
  headersTimeoutMs: 10_000,
};
/** After answering a broken request, how long its leftover bytes are read and discarded before closing. */
const LINGER_MS = 2_000;

interface InFlight {
  request: IncomingMessage;
  response: ServerResponse;
}

/**
 * Bounds every connection of the host, in two halves: Fastify options given
 * at construction, and what node:http has no option for, installed on the
 * server once it exists.
 *
 * Options:
 * - `requestTimeout` / `headersTimeout`: total time to receive the request and
 *   its headers (a body trickled a byte at a time still ends: 408);
 * - `connectionTimeout` and `keepAliveTimeout`: idle time, within a request and
 *   between requests on a kept-alive connection;
 * - `connectionsCheckingInterval`: how often node checks the first two, so a
 *   short timeout is enforced close to when it expires;
 * - `clientErrorHandler`: a request node cannot parse (431 headers too large,
 *   400 malformed) or that timed out (408) is answered with the documented
 *   envelope on a raw HTTP/1.1 response, then the connection closes.
 *
 * Installed:
 * - the connection cap (`maxConnections`) and each address's share of it
 *   (`maxConnectionsPerAddress`): headers are read only after accept, so the
 *   request rate limit comes too late to stop one address from holding every
 *   slot with requests that never finish (refusals are logged);
 * - the idle timeout's decision. Node closes a connection that was silent for
 *   `connectionTimeout` unless someone listens; we close it when it is idle
 *   between requests, still receiving a request (a stalled upload), or
 *   stalled sending (the client stopped reading), and keep it while a fully
 *   received request is being worked on (a slow analysis, a quiet
 *   subscription stream), whose next bytes re-arm the timer.
 */
export function connectionGuard(
  limits: HttpLimits,
  webSocketPaths: readonly string[],
  isTrustedPeer: (address: string) => boolean,
) {
  const inFlight = new WeakMap<Socket, InFlight>();
  const answered = new WeakSet<Duplex>();
  let log: FastifyBaseLogger | undefined;
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);

  function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
    if (socket.destroyed || answered.has(socket)) return;
    answered.add(socket);
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable) {
      socket.destroy();
      return;
    }
    const code = clientErrorCode(error.code);
    log?.info({ code, cause: error.code }, 'connection rejected');
    // A response already started on this connection can't be followed by another.
    if (inFlight.get(socket as Socket)?.response.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(rawResponse(new AppError(code)));
    // Read and drop what the client is still sending, so closing
    // doesn't reset the connection before it read the answer.
    socket.on('data', () => undefined);
    socket.resume();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }

  function install(server: Server, logger: FastifyBaseLogger): void {
    log = logger;
    server.maxConnections = limits.maxConnections;
    const { maxConnections, maxConnectionsPerAddress } = limits;
    const warnDrop = oncePerMinute(() => {
      logger.warn({ maxConnections }, 'connection refused: SCRYON_HTTP_MAX_CONNECTIONS reached');
    });
    server.on('drop', warnDrop);
    const warnShare = oncePerMinute(() => {
      logger.warn({ maxConnectionsPerAddress }, 'connection refused: SCRYON_HTTP_MAX_CONNECTIONS_PER_ADDRESS reached');
    });
    server.on('connection', addressShare(maxConnectionsPerAddress, isTrustedPeer, warnShare));

    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const socket = request.socket;
      const current = { request, response };
      inFlight.set(socket, current);
      // A kept-alive connection's next request is bounded like its first.
      socket.setTimeout(limits.idleTimeoutMs);
      response.once('close', () => {
        if (inFlight.get(socket) === current) inFlight.delete(socket);
      });
    });

    server.on('timeout', (socket: Socket) => {
      const current = inFlight.get(socket);
      const working = current?.request.complete && !current.response.writableEnded && socket.writableLength === 0;
      if (!working) socket.destroy();
    });
  }

  return {
    options: {
      requestTimeout: limits.requestTimeoutMs,
      connectionTimeout: limits.idleTimeoutMs,
      keepAliveTimeout: limits.idleTimeoutMs,
      http: {
        requestTimeout: limits.requestTimeoutMs,
        headersTimeout,
        connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(headersTimeout / 4))),
        // Node hands every request with an Upgrade header to the 'upgrade' listeners, past the timeouts above and
        // every hook; a surface's listener ignores the ones it does not take, which left them unanswered. Only a
        // WebSocket upgrade to a path a surface serves leaves HTTP:
        // any other (h2c, a WebSocket elsewhere) is plain HTTP.
        shouldUpgradeCallback: (request: IncomingMessage) => isWebSocketUpgrade(request, webSocketPaths),
      },
      clientErrorHandler,
    },
    install,
  };
}

/** Counts each client address's open connections and closes one past its share at once, before it is read. */
function addressShare(perAddress: number, isTrustedPeer: (address: string) => boolean, onRefused: () => void) {
  const open = new Map<string, number>();
  return (socket: Socket): void => {
    const address = socket.remoteAddress;
    if (address === undefined || isTrustedPeer(address)) return;
    const key = clientAddressKey(address);
    const count = open.get(key) ?? 0;
    if (count >= perAddress) {
      socket.destroy();
      onRefused();
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  };
}

/** A warning that repeats at most once a minute, however often its cause does. */
function oncePerMinute(warn: () => void): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    warn();
  };
}

function isWebSocketUpgrade(request: IncomingMessage, paths: readonly string[]): boolean {
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') return false;
  const path = (request.url ?? '/').split('?', 1)[0]!;
  return paths.includes(path);
}

function clientErrorCode(nodeCode: string | undefined): ErrorCode {
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout';
  if (nodeCode === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  return 'validation_failed';
}

/** A complete HTTP/1.1 response carrying the error envelope; the connection closes after it. */
export function rawResponse(error: AppError): string {
  const envelope = toEnvelope(error);
  if (error.code === 'validation_failed') envelope.error.message = 'Malformed HTTP request';
  const body = JSON.stringify(envelope);
  return [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
