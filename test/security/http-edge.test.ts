import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/users/user.entity.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';
import { RawConnection, rawGet, rawRequest, type RawResponse } from './raw-http.ts';

/**
 * The HTTP host from an attacker's side: what reaches a route without the
 * API key, what holds a connection open, what a header or path of the wrong
 * size does, which origins get CORS headers, what an error writes to the
 * log. Every answer is checked for its exact status and envelope, and the
 * server for its health afterwards.
 */

const API_KEY = 'edge-test-api-key';
const ALLOWED_ORIGIN = 'https://app.scryon.test';
const EVIL_ORIGIN = 'https://evil.example';
/** PII a caller sends that must never reach a log line. */
const PHONE = '+91 98765 43210';
const PHONE_DIGITS = '98765';
const EMAIL = 'ravi.kumar@acme.example';
/** Generous bound for "the server closes the connection"; the configured timeouts are far shorter. */
const CLOSE_WITHIN_MS = 15_000;

const withKey = { 'x-api-key': API_KEY };

function envelope(code: string, details?: Record<string, unknown>) {
  return { error: { code, message: expect.any(String), ...(details ? { details } : {}) } };
}

async function expectHealthy(app: TestApp, headers: Record<string, string> = withKey): Promise<void> {
  const response = await app.fetch('/api/health', { headers });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'UP' });
}

async function eventuallyHealthy(app: TestApp): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const status = await app.fetch('/api/health').then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function corsHeaders(response: RawResponse | Response): Record<string, string> {
  const entries = response instanceof Response ? [...response.headers.entries()] : Object.entries(response.headers);
  return Object.fromEntries(entries.filter(([name]) => name.toLowerCase().startsWith('access-control-')));
}

describe('the HTTP host under attack', () => {
  let scryon: TestApp;
  let user: EmulatorUser;
  const authed = () => ({ ...withKey, authorization: `Bearer ${user.idToken}` });

  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      captureLogs: true,
      // The test-only routes below fail on purpose, to show what such a failure's log line holds.
      expectedServerErrors: /http-edge\.test\.ts/,
      env: { SCRYON_API_KEY: API_KEY, SCRYON_CORS_ALLOWED_ORIGINS: ALLOWED_ORIGIN },
      extraSurfaces: [
        (app) => {
          // Database failures carrying PII, outside /api so the route-coverage check stays about the product.
          app.get('/test-only/duplicate-user', async () => {
            const em = scryon.app.orm.em.fork();
            const row = () => ({
              id: randomUUID(),
              externalUserId: `${PHONE} ${EMAIL}`,
              email: EMAIL,
              displayName: `Ravi Kumar ${PHONE}`,
            });
            await em.insert(User, row());
            await em.insert(User, row());
            return { unreachable: true };
          });
          app.get('/test-only/bad-cast', async () => {
            await scryon.app.orm.em
              .fork()
              .getConnection()
              .execute('select ?::int as n', [`${PHONE} ${EMAIL}`]);
            return { unreachable: true };
          });
        },
      ],
    });
    user = await signUpUser();
  });
  afterAll(() => scryon?.close());

  describe('the API key gates every request routed to /api', () => {
    it.each([
      ['/%61pi/calls'],
      ['/%61%70%69/calls'],
      ['/%2561pi/calls'],
      ['/API/calls'],
      ['//api/calls'],
      ['/api//calls'],
      ['/api%2Fcalls'],
      ['/./api/calls'],
      ['/x/../api/calls'],
      ['/api;x=1/calls'],
      ['/%61pi'],
      ['/api'],
      ['/api/health'],
      ['/api/openapi.json'],
      ['http://scryon.test/api/calls'],
    ])('refuses %s without the key: 401 api_key_invalid', async (target) => {
      const response = await rawGet(scryon.url, target, { authorization: `Bearer ${user.idToken}` });
      expect(response.status).toBe(401);
      expect(response.json()).toEqual({
        error: { code: 'api_key_invalid', message: 'Missing or invalid X-API-Key header' },
      });
      await expectHealthy(scryon);
    });

    it('serves an encoded path only with the key, as the route it decodes to', async () => {
      const noUser = await rawGet(scryon.url, '/%61pi/calls', withKey);
      expect(noUser.status).toBe(401);
      expect(noUser.json()).toEqual(envelope('auth_missing'));
      const served = await rawGet(scryon.url, '/%61pi/calls', authed());
      expect(served.status).toBe(200);
      expect(served.json()).toMatchObject({ items: expect.any(Array) });
      await expectHealthy(scryon);
    });

    it('refuses a wrong key as it refuses none', async () => {
      const response = await rawGet(scryon.url, '/%61pi/calls', {
        'x-api-key': `${API_KEY}x`,
        authorization: `Bearer ${user.idToken}`,
      });
      expect(response.status).toBe(401);
      expect(response.json()).toEqual(envelope('api_key_invalid'));
      await expectHealthy(scryon);
    });
  });

  describe('an Upgrade header on a path that takes no WebSocket is plain HTTP', () => {
    it.each([
      ['a WebSocket upgrade to /api/health', '/api/health', 'websocket', withKey, 200],
      ['an h2c upgrade (curl --http2)', '/api/health', 'h2c', withKey, 200],
      ['a WebSocket upgrade without the API key', '/api/calls', 'websocket', {}, 401],
      ['a WebSocket upgrade to an unknown path', '/nowhere', 'websocket', {}, 404],
    ])('%s is answered and the connection closed', async (_name, target, protocol, headers, status) => {
      const connection = await RawConnection.open(scryon.url);
      try {
        const lines = Object.entries(headers)
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('');
        connection.write(
          `GET ${target} HTTP/1.1\r\nHost: scryon.test\r\n${lines}Connection: Upgrade, close\r\n` +
            `Upgrade: ${protocol}\r\n\r\n`,
        );
        expect((await connection.response(CLOSE_WITHIN_MS))?.status).toBe(status);
        expect(await connection.closedWithin(CLOSE_WITHIN_MS)).toBe(true);
      } finally {
        connection.destroy();
      }
      await expectHealthy(scryon);
    });
  });

  describe('an answer sent before the body was read closes the connection', () => {
    const boundary = 'edge-boundary';
    const declared = 200 * 1024 * 1024;
    const uploadHead = (headers: Record<string, string>, length = declared) =>
      `POST /api/calls/analyze HTTP/1.1\r\nHost: scryon.test\r\n${Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')}` + `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`;
    const firstBytes =
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.m4a"\r\n` +
      `Content-Type: audio/mp4\r\n\r\n${'x'.repeat(64 * 1024)}`;

    async function expectEarlyAnswerThenClose(
      request: string,
      status: number,
      code: string,
      details?: Record<string, unknown>,
    ): Promise<void> {
      const connection = await RawConnection.open(scryon.url);
      try {
        connection.write(request);
        const response = await connection.response();
        expect(response?.status).toBe(status);
        expect(response?.json()).toEqual(envelope(code, details));
        expect(response?.headers.connection).toBe('close');
        // A keep-alive client that sent its next request would otherwise wait behind the unread upload.
        connection.write('GET /api/health HTTP/1.1\r\nHost: scryon.test\r\n\r\n');
        expect(await connection.closedWithin(CLOSE_WITHIN_MS)).toBe(true);
      } finally {
        connection.destroy();
      }
      await expectHealthy(scryon);
    }

    it('answers an upload without a token 401 auth_missing, then closes', async () => {
      await expectEarlyAnswerThenClose(uploadHead(withKey) + firstBytes, 401, 'auth_missing');
    });

    it('answers an upload without the API key 401 api_key_invalid, then closes', async () => {
      await expectEarlyAnswerThenClose(
        uploadHead({ authorization: `Bearer ${user.idToken}` }) + firstBytes,
        401,
        'api_key_invalid',
      );
    });

    it('answers an upload declared larger than MAX_FILE_SIZE 413 payload_too_large, then closes', async () => {
      // The answer states the limit and the declared size, so the client knows what would fit.
      const sizes = { maxBytes: expect.any(Number), declaredBytes: declared };
      await expectEarlyAnswerThenClose(uploadHead(authed()) + firstBytes, 413, 'payload_too_large', sizes);
    });

    it('answers a JSON body declared over the body limit 413 payload_too_large, then closes', async () => {
      const head =
        `PATCH /api/users/me HTTP/1.1\r\nHost: scryon.test\r\nx-api-key: ${API_KEY}\r\nauthorization: ` +
        `Bearer ${user.idToken}\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`;
      await expectEarlyAnswerThenClose(`${head}{"displayName":"${'a'.repeat(1024)}`, 413, 'payload_too_large');
    });

    it('keeps a connection whose request was read in full open for the next request', async () => {
      const connection = await RawConnection.open(scryon.url);
      try {
        connection.write(`GET /api/health HTTP/1.1\r\nHost: scryon.test\r\nx-api-key: ${API_KEY}\r\n\r\n`);
        expect((await connection.response())?.status).toBe(200);
        connection.write(`GET /api/calls HTTP/1.1\r\nHost: scryon.test\r\nx-api-key: ${API_KEY}\r\n\r\n`);
        const second = await connection.response();
        expect(second?.status).toBe(401);
        expect(second?.json()).toEqual(envelope('auth_missing'));
        expect(second?.headers.connection).not.toBe('close');
      } finally {
        connection.destroy();
      }
      await expectHealthy(scryon);
    });
  });

  describe('oversized or control-character headers are a 400, on every surface', () => {
    const longKey = 'k'.repeat(4096);

    it.each([
      ['REST', 'POST', '/api/calls/analyze'],
      ['REST', 'PATCH', '/api/users/me'],
      ['tRPC', 'POST', '/trpc/users.updateMe'],
      ['GraphQL', 'POST', '/graphql'],
    ])(
      '%s %s %s: a 4 KB Idempotency-Key is 400 validation_failed naming the header',
      async (_surface, method, target) => {
        const response = await scryon.fetch(target, {
          method,
          headers: { ...authed(), 'idempotency-key': longKey, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({
          error: {
            code: 'validation_failed',
            message: expect.any(String),
            details: { fields: { 'Idempotency-Key': 'must be at most 255 characters' } },
          },
        });
        await expectHealthy(scryon);
      },
    );

    it('refuses an Idempotency-Key with a control character', async () => {
      const response = await rawRequest(
        scryon.url,
        `PATCH /api/users/me HTTP/1.1\r\nHost: scryon.test\r\nx-api-key: ${API_KEY}\r\nauthorization: ` +
          `Bearer ${user.idToken}\r\n` +
          `Idempotency-Key: abc\tdef\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n` +
          `\r\n{}`,
      );
      expect(response.status).toBe(400);
      expect(response.json()).toEqual({
        error: {
          code: 'validation_failed',
          message: expect.any(String),
          details: { fields: { 'Idempotency-Key': 'must not contain control characters' } },
        },
      });
      await expectHealthy(scryon);
    });

    it('accepts an Idempotency-Key of exactly 255 characters', async () => {
      const response = await scryon.fetch('/api/users/me', {
        method: 'PATCH',
        headers: { ...authed(), 'idempotency-key': 'k'.repeat(255), 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'Edge Case' }),
      });
      expect(response.status).toBe(200);
      await expectHealthy(scryon);
    });

    it.each([['/api/users/me'], ['/trpc/users.me'], ['/graphql?query=%7B__typename%7D']])(
      '%s: a 2 KB X-Local-User-Id is 400 validation_failed naming the header',
      async (target) => {
        const response = await scryon.fetch(target, { headers: { ...authed(), 'x-local-user-id': 'u'.repeat(2048) } });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({
          error: {
            code: 'validation_failed',
            message: expect.any(String),
            details: { fields: { 'X-Local-User-Id': 'must be at most 128 characters' } },
          },
        });
        await expectHealthy(scryon);
      },
    );
  });

  describe('errors below the router leave in the envelope', () => {
    it('answers a path id over the parameter limit 414 uri_too_long', async () => {
      const response = await rawGet(scryon.url, `/api/calls/${'a'.repeat(2000)}`, authed());
      expect(response.status).toBe(414);
      expect(response.json()).toEqual({ error: { code: 'uri_too_long', message: 'The request URI is too long' } });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      await expectHealthy(scryon);
    });

    it('answers the API key check first for a long path without the key', async () => {
      const response = await rawGet(scryon.url, `/api/calls/${'a'.repeat(2000)}`);
      expect(response.status).toBe(401);
      expect(response.json()).toEqual(envelope('api_key_invalid'));
      await expectHealthy(scryon);
    });

    it('answers headers over the node limit 431 headers_too_large and closes', async () => {
      const connection = await RawConnection.open(scryon.url);
      try {
        connection.write(
          `GET /api/health HTTP/1.1\r\nHost: scryon.test\r\nx-api-key: ${API_KEY}\r\n` +
            `X-Padding: ${'p'.repeat(64 * 1024)}\r\n\r\n`,
        );
        const response = await connection.response();
        expect(response?.status).toBe(431);
        expect(response?.json()).toEqual({
          error: { code: 'headers_too_large', message: 'The request headers are too large' },
        });
        expect(response?.headers.connection).toBe('close');
        expect(await connection.closedWithin(CLOSE_WITHIN_MS)).toBe(true);
      } finally {
        connection.destroy();
      }
      await expectHealthy(scryon);
    });

    it('answers a request with both Content-Length and Transfer-Encoding 400 validation_failed, closes', async () => {
      const connection = await RawConnection.open(scryon.url);
      try {
        connection.write(
          `POST /api/users/me HTTP/1.1\r\nHost: scryon.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n` +
            `\r\n0\r\n\r\n`,
        );
        const response = await connection.response();
        expect(response?.status).toBe(400);
        expect(response?.json()).toEqual(envelope('validation_failed'));
        expect(await connection.closedWithin(CLOSE_WITHIN_MS)).toBe(true);
      } finally {
        connection.destroy();
      }
      await expectHealthy(scryon);
    });

    it('answers a broken escape in the path 400 validation_failed', async () => {
      const response = await rawGet(scryon.url, '/api/calls/%E0%A4%A', authed());
      expect(response.status).toBe(400);
      expect(response.json()).toEqual(envelope('validation_failed'));
      await expectHealthy(scryon);
    });
  });

  describe('CORS headers only for the allow-list', () => {
    const graphqlQuery = '/graphql?query=%7B__typename%7D';

    it.each([
      ['REST', '/api/health'],
      ['tRPC', '/trpc/users.me'],
      ['GraphQL', graphqlQuery],
    ])('%s: a foreign origin gets no CORS header at all', async (_surface, target) => {
      const response = await scryon.fetch(target, { headers: { ...authed(), origin: EVIL_ORIGIN } });
      expect(response.status).toBe(200);
      expect(corsHeaders(response)).toEqual({});
      await expectHealthy(scryon);
    });

    it.each([
      ['REST', '/api/calls'],
      ['tRPC', '/trpc/users.me'],
      ['GraphQL', '/graphql'],
    ])('%s: a preflight from a foreign origin is not approved', async (_surface, target) => {
      const response = await scryon.fetch(target, {
        method: 'OPTIONS',
        headers: {
          ...withKey,
          origin: EVIL_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(corsHeaders(response)).toEqual({});
      await expectHealthy(scryon);
    });

    it.each([
      ['REST', '/api/health'],
      ['tRPC', '/trpc/users.me'],
      ['GraphQL', graphqlQuery],
    ])('%s: the allowed origin gets itself back, without credentials', async (_surface, target) => {
      const response = await scryon.fetch(target, { headers: { ...authed(), origin: ALLOWED_ORIGIN } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/origin/i);
      await expectHealthy(scryon);
    });

    it('approves a preflight from the allowed origin without the API key or a token', async () => {
      const response = await scryon.fetch('/api/calls', {
        method: 'OPTIONS',
        headers: {
          origin: ALLOWED_ORIGIN,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization, x-api-key',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(response.headers.get('access-control-allow-methods')).toContain('GET');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      await expectHealthy(scryon);
    });

    it('gives a rejection to the allowed origin CORS headers too, so the browser can read it', async () => {
      const response = await scryon.fetch('/api/calls', { headers: { origin: ALLOWED_ORIGIN } });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(envelope('api_key_invalid'));
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      await expectHealthy(scryon);
    });
  });

  describe('logs carry no PII from a failed database statement', () => {
    it.each([
      ['a unique violation (the value is in the detail)', '/test-only/duplicate-user'],
      ['a bad cast (the value is in the message)', '/test-only/bad-cast'],
    ])('%s: 500 internal_error, and no log line has the phone number or email', async (_case, target) => {
      const before = scryon.logLines.length;
      const response = await scryon.fetch(target, { headers: withKey });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
      await expectHealthy(scryon);

      const lines = scryon.logLines.slice(before);
      const logged = lines
        .map((line) => JSON.parse(line) as { msg: string; err?: Record<string, unknown> })
        .find((line) => line.msg === 'unexpected error');
      expect(logged?.err).toMatchObject({
        name: expect.any(String),
        message: expect.any(String),
        stack: expect.any(String),
      });
      // An allow-list: nothing of the statement, its parameters or the row survives.
      for (const key of Object.keys(logged?.err ?? {}))
        expect(['name', 'message', 'code', 'stack', 'cause']).toContain(key);
      for (const line of lines) {
        expect(line).not.toContain(PHONE_DIGITS);
        expect(line).not.toContain(EMAIL);
        expect(line).not.toContain('Ravi Kumar');
      }
    });

    it('wrote no phone number or email on any line of this whole run', () => {
      for (const line of scryon.logLines) {
        expect(line).not.toContain(PHONE_DIGITS);
        expect(line).not.toContain(EMAIL);
      }
    });
  });

  describe('every route served under /api is in the OpenAPI document', () => {
    it('matches the router and the document, path by path and method by method', async () => {
      const document = (await (await scryon.fetch('/api/openapi.json', { headers: withKey })).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const served = servedApiRoutes(scryon.app.http!.printRoutes());
      expect(served.length).toBeGreaterThan(10);

      const documented = new Set(
        Object.entries(document.paths).flatMap(([path, operations]) =>
          Object.keys(operations)
            .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
            .map((method) => `${method.toUpperCase()} ${path.replace(/\{\w+\}/g, '{}')}`),
        ),
      );
      // The docs page's own assets (Swagger UI's scripts, its copies
      // of the document) belong to the documented /docs page.
      const asDocumented = served
        .filter(({ path }) => !(path.startsWith('/api/docs/') && documented.has('GET /docs')))
        .map(({ method, path }) => `${method} ${path.replace(/^\/api/, '') || '/'}`);
      expect(asDocumented.filter((route) => !documented.has(route))).toEqual([]);
      expect([...documented].filter((route) => !asDocumented.includes(route))).toEqual([]);
      expect(documented).toContain('GET /health');
      await expectHealthy(scryon);
    });
  });
});

describe('connection time and count limits', () => {
  let limited: TestApp;

  beforeAll(async () => {
    limited = await startTestApp({
      roles: { api: true, worker: false },
      env: {
        SCRYON_HTTP_REQUEST_TIMEOUT_SECONDS: '2',
        SCRYON_HTTP_IDLE_TIMEOUT_SECONDS: '1',
        SCRYON_HTTP_MAX_CONNECTIONS: '6',
      },
      extraSurfaces: [
        (app) => {
          app.get('/test-only/slow', async () => {
            await new Promise((resolve) => setTimeout(resolve, 2_500));
            return { done: true };
          });
        },
      ],
    });
  });
  afterAll(() => limited?.close());

  it('refuses connections beyond SCRYON_HTTP_MAX_CONNECTIONS and serves again once they close', async () => {
    const connections: RawConnection[] = [];
    let served = 0;
    let refused = 0;
    try {
      for (let index = 0; index < 12; index += 1) {
        const connection = await RawConnection.open(limited.url);
        connections.push(connection);
        connection.write('GET /api/health HTTP/1.1\r\nHost: scryon.test\r\n\r\n');
        if (await connection.response()) served += 1;
        else refused += 1;
      }
    } finally {
      for (const connection of connections) connection.destroy();
    }
    expect(served).toBeLessThanOrEqual(6);
    expect(refused).toBeGreaterThanOrEqual(6);
    // The server counts a connection until it has seen it close; ask until it has.
    await eventuallyHealthy(limited);
    await expectHealthy(limited, {});
  });

  it('answers a body trickled slower than the request timeout 408 request_timeout and closes', async () => {
    const connection = await RawConnection.open(limited.url);
    // One byte every 300 ms: never idle for the 1 s idle timeout, never done within the 2 s request timeout.
    const trickle = setInterval(() => connection.write('a'), 300);
    try {
      connection.write(
        'PATCH /api/users/me HTTP/1.1\r\nHost: scryon.test\r\nContent-Type: application/json\r\nContent-Length: ' +
          '100000\r\n\r\n{"displayName":"',
      );
      const response = await connection.response();
      expect(response?.status).toBe(408);
      expect(response?.json()).toEqual({
        error: { code: 'request_timeout', message: 'The request was not received in time' },
      });
      expect(response?.headers.connection).toBe('close');
      expect(await connection.closedWithin(CLOSE_WITHIN_MS)).toBe(true);
    } finally {
      clearInterval(trickle);
      connection.destroy();
    }
    await expectHealthy(limited, {});
  });

  it.each([
    [
      'a body that stops arriving',
      'PATCH /api/users/me HTTP/1.1\r\nHost: scryon.test\r\nContent-Type: application/json\r\nContent-Length: ' +
        '1000\r\n\r\n{"displayName"',
    ],
    ['headers that stop arriving', 'GET /api/health HTTP/1.1\r\nHost: scryon.test\r\nX-Half'],
    ['a connection that never sends a byte', ''],
  ])('closes %s after the idle timeout', async (_case, bytes) => {
    const connection = await RawConnection.open(limited.url);
    try {
      connection.write(bytes);
      expect(await connection.closedWithin(CLOSE_WITHIN_MS)).toBe(true);
    } finally {
      connection.destroy();
    }
    await expectHealthy(limited, {});
  });

  it('closes an idle kept-alive connection after its answer', async () => {
    const connection = await RawConnection.open(limited.url);
    try {
      connection.write('GET /api/health HTTP/1.1\r\nHost: scryon.test\r\n\r\n');
      expect((await connection.response())?.status).toBe(200);
      expect(await connection.closedWithin(CLOSE_WITHIN_MS)).toBe(true);
    } finally {
      connection.destroy();
    }
    await expectHealthy(limited, {});
  });

  it('does not cut a request whose handler works longer than the idle timeout', async () => {
    const response = await limited.fetch('/test-only/slow');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    await expectHealthy(limited, {});
  });

  it('sends no CORS header to any origin when the allow-list is empty', async () => {
    for (const target of ['/api/health', '/graphql?query=%7B__typename%7D']) {
      const response = await limited.fetch(target, { headers: { origin: 'https://app.scryon.test' } });
      expect(corsHeaders(response)).toEqual({});
    }
    await expectHealthy(limited, {});
  });
});

/**
 * `METHOD /path` of every route the router serves under /api, from Fastify's
 * route tree (each line's label continues its parent's; HEAD and OPTIONS left
 * out). Parameter names are dropped on both sides: the tree shows the names
 * of every route sharing a position at once (`:id|:callId`).
 */
function servedApiRoutes(tree: string): Array<{ method: string; path: string }> {
  const prefixes: string[] = [];
  const routes: Array<{ method: string; path: string }> = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ├└─]*)(\S.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match?.[2]) continue;
    const depth = (match[1] ?? '').length / 4;
    const label = match[2] === '(empty root node)' ? '' : match[2];
    prefixes.length = depth;
    const path = prefixes.join('') + label;
    prefixes.push(label);
    for (const method of (match[3] ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean)) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (path === '/api' || path.startsWith('/api/')) routes.push({ method, path: path.replace(/:[\w|:]+/g, '{}') });
    }
  }
  return routes;
}
