import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness/test-app.ts';
import { RawConnection } from './raw-http.ts';

/**
 * One address trying to take every connection slot with requests whose
 * headers never finish (the request rate limit only runs once headers are
 * in). Loopback has a whole /8 on Linux, so each "address" here is a
 * different 127.0.0.x the test connects from.
 */

const MAX_CONNECTIONS = 20;
/** The default share: a tenth of the connection cap. */
const SHARE = MAX_CONNECTIONS / 10;
const ATTACKER = '127.0.0.2';
const BYSTANDER = '127.0.0.3';
const PROXY = '127.0.0.4';
/** Generous bound for "the server closes the connection"; the limits act at once or within a second. */
const CLOSE_WITHIN_MS = 15_000;

interface Held {
  socket: net.Socket;
  closed: Promise<true>;
}

function connectFrom(baseUrl: string, localAddress: string): Promise<net.Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port), localAddress }, () => resolve(socket));
    socket.once('error', reject);
    // A reset once the server refuses it is a close as far as these tests go.
    socket.on('error', () => undefined);
  });
}

/** The status of the first response on the connection, or 0 if it closed first. */
function firstStatus(socket: net.Socket): Promise<number> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) resolve(Number(received.split(' ')[1]));
    });
    socket.once('close', () => resolve(0));
  });
}

/** A connection from `localAddress` that has sent the start of a request whose headers never end. */
async function stalledFrom(baseUrl: string, localAddress: string): Promise<Held> {
  const socket = await connectFrom(baseUrl, localAddress);
  const closed = new Promise<true>((resolve) => socket.once('close', () => resolve(true)));
  socket.write('GET /api/health HTTP/1.1\r\nHost: scryon.test\r\nX-Half');
  return { socket, closed };
}

/** `GET /api/health` on a fresh connection from `localAddress`: its status, or 0 when the connection was dropped. */
function healthFrom(baseUrl: string, localAddress: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const options = { host: hostname, port: Number(port), path: '/api/health', localAddress, agent: false };
    const request = http.get(options, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
  });
}

function closedWithin(held: Held, withinMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), withinMs);
  });
  return Promise.race([held.closed, late]).finally(() => clearTimeout(timer));
}

/** The server counts a connection until it has seen it close: ask until it has, a bounded number of times. */
async function eventuallyServed(baseUrl: string, localAddress: string): Promise<number> {
  let status = 0;
  for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
    status = await healthFrom(baseUrl, localAddress);
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}

describe('connection slots under one address', () => {
  let scryon: TestApp;

  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: {
        SCRYON_HTTP_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
        SCRYON_HTTP_HEADERS_TIMEOUT_SECONDS: '1',
        // Far longer than the header deadline: only the header deadline can end a trickle of header bytes.
        SCRYON_HTTP_IDLE_TIMEOUT_SECONDS: '60',
        SCRYON_HTTP_REQUEST_TIMEOUT_SECONDS: '120',
        SCRYON_TRUST_PROXY: PROXY,
      },
    });
  });
  afterAll(() => scryon?.close());

  it('keeps a bystander served while one address opens every slot with headers that never finish', async () => {
    const held: Held[] = [];
    try {
      for (let index = 0; index < MAX_CONNECTIONS; index += 1) held.push(await stalledFrom(scryon.url, ATTACKER));
      expect(await healthFrom(scryon.url, BYSTANDER)).toBe(200);
      // Everything past the address's share was closed at accept, before a byte of it was read.
      const surplus = held.slice(SHARE);
      const closed = await Promise.all(surplus.map((connection) => closedWithin(connection, CLOSE_WITHIN_MS)));
      expect(closed.every(Boolean)).toBe(true);
    } finally {
      for (const connection of held) connection.socket.destroy();
    }
    // The address gets its share back once its connections are gone.
    expect(await eventuallyServed(scryon.url, ATTACKER)).toBe(200);
  });

  it('answers headers trickled past the header deadline 408 request_timeout and closes, though not idle', async () => {
    const connection = await RawConnection.open(scryon.url);
    connection.write('GET /api/health HTTP/1.1\r\nHost: scryon.test\r\n');
    const trickle = setInterval(() => connection.write('X-A: b\r\n'), 200);
    try {
      const response = await connection.response();
      expect(response?.status).toBe(408);
      const timedOut = { error: { code: 'request_timeout', message: 'The request was not received in time' } };
      expect(response?.json()).toEqual(timedOut);
      expect(await connection.closedWithin(CLOSE_WITHIN_MS)).toBe(true);
    } finally {
      clearInterval(trickle);
      connection.destroy();
    }
    expect(await healthFrom(scryon.url, BYSTANDER)).toBe(200);
  });

  it("does not hold a trusted proxy, which carries many clients, to one address's share", async () => {
    const sockets: net.Socket[] = [];
    try {
      // Every connection is open before any of them asks, so all of them are held at once.
      for (let index = 0; index < SHARE * 3; index += 1) sockets.push(await connectFrom(scryon.url, PROXY));
      const statuses = sockets.map(firstStatus);
      for (const socket of sockets) socket.write('GET /api/health HTTP/1.1\r\nHost: scryon.test\r\n\r\n');
      expect(await Promise.all(statuses)).toEqual(Array(SHARE * 3).fill(200));
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});
