import { getIntrospectionQuery } from 'graphql';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createGraphqlYoga, registerGraphql } from '../../src/api/graphql/graphql-http.ts';
import { GRAPHQL_LIMITS, GRAPHQL_WS_LIMITS } from '../../src/api/graphql/graphql-limits.ts';
import { isAllowedWebSocketOrigin } from '../../src/api/graphql/graphql-ws.ts';
import type { RequestContext } from '../../src/api/operations/request-context.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

/**
 * The GraphQL transports from an attacker's side: what one cheap request (or
 * WebSocket message, or connection) may cost the server, on HTTP and on
 * graphql-ws alike. Every case asserts the exact refusal and that the API still
 * answers its health check afterwards.
 */

const introspectionBomb = (aliases: number, selection = '{ types { name } }') =>
  `{ ${Array.from({ length: aliases }, (_, i) => `s${i}: __schema ${selection}`).join(' ')} }`;
/** The reported attack: ~97 KB of aliased schema introspections. */
const reportedBomb = introspectionBomb(
  1100,
  '{ types { name kind fields { name args { name } type { name kind } } } }',
);
const tooManyTokens = `{ me { ${Array.from({ length: GRAPHQL_LIMITS.maxTokens }, () => 'id').join(' ')} } }`;
const nested = (depth: number, inner: string): string =>
  depth === 0 ? inner : `... on Query { ${nested(depth - 1, inner)} }`;
const tooDeep = `{ ${nested(GRAPHQL_LIMITS.maxDepth, 'calls(first: 1) { edges { node { id } } }')} }`;
const aliases = Array.from({ length: GRAPHQL_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { id }`);
const tooManyAliases = `{ ${aliases.join(' ')} }`;
const directives = Array.from({ length: GRAPHQL_LIMITS.maxDirectives + 1 }, () => '@include(if: true)');
const tooManyDirectives = `{ me { id ${directives.join(' ')} } }`;

const refusals = {
  aliases200: 'Aliases limit of 15 exceeded, found 200.',
  tokens: 'Token limit of 2000 exceeded.',
  depth: 'Query depth limit of 8 exceeded, found 12.',
  aliases16: 'Aliases limit of 15 exceeded, found 16.',
  directives: 'Directives limit of 10 exceeded, found 11.',
};
/** A refused limit as yoga answers it over HTTP (the `http` extension is yoga's, not sent). */
const limitHttp = (message: string) => ({ errors: [{ message, extensions: { code: 'query_limit_exceeded' } }] });
/** The same refusal as a graphql-ws error message. */
const limitWs = (message: string) => ({
  id: '1',
  type: 'error',
  // Yoga marks parse errors (the token limit is one) as the spec's 400.
  payload: [
    {
      message,
      extensions: {
        code: 'query_limit_exceeded',
        http: message === refusals.tokens ? { spec: true, status: 400 } : { status: 400 },
      },
    },
  ],
});

interface RawSocket {
  socket: WebSocket;
  /** Resolves with the first message (received so far or later) that matches. */
  message(match: (message: any) => boolean, timeoutMs?: number): Promise<any>;
  received: any[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
}

describe('GraphQL transports under attack', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;
  let bob: EmulatorUser;
  const wsUrl = () => `${scryon.url.replace('http', 'ws')}/graphql`;

  const post = async (query: string, token?: string, accept?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(accept ? { accept } : {}) };
    const response = await scryon.fetch('/graphql', {
      method: 'POST',
      token,
      headers,
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    return { status: response.status, bytes: text.length, body: JSON.parse(text) };
  };
  const expectHealthy = async () => {
    const health = await scryon.fetch('/api/health');
    expect(health.status).toBe(200);
  };

  /** A WebSocket speaking graphql-transport-ws by hand, so a test can send what no client library would. */
  const rawSocket = (headers: Record<string, string> = {}): Promise<RawSocket> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl(), 'graphql-transport-ws', { headers });
      const received: any[] = [];
      const waiters: Array<{ match: (message: any) => boolean; resolve: (message: any) => void }> = [];
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        received.push(message);
        for (const waiter of [...waiters]) {
          if (waiter.match(message)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(message);
          }
        }
      });
      const closed = new Promise<{ code: number; reason: string }>((done) =>
        socket.on('close', (code, reason) => done({ code, reason: String(reason) })),
      );
      socket.on('error', () => undefined);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`upgrade refused: ${response.statusCode}`)),
      );
      socket.once('open', () =>
        resolve({
          socket,
          received,
          closed,
          send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
          message: (match, timeoutMs = 10_000) => {
            const seen = received.find(match);
            if (seen) return Promise.resolve(seen);
            return new Promise((done, fail) => {
              const timer = setTimeout(() => fail(new Error('no matching message')), timeoutMs);
              waiters.push({ match, resolve: (message) => (clearTimeout(timer), done(message)) });
            });
          },
        }),
      );
    });
  /** Opens and initialises a connection; answers once acknowledged (or refused). */
  const connect = async (user: EmulatorUser | undefined, headers: Record<string, string> = {}) => {
    const ws = await rawSocket(headers);
    ws.send({ type: 'connection_init', payload: user ? { authorization: `Bearer ${user.idToken}` } : {} });
    const outcome = await Promise.race([
      ws.message((message) => message.type === 'connection_ack').then(() => 'ack' as const),
      ws.closed,
    ]);
    return { ws, outcome };
  };
  /** Runs one operation over an authenticated connection and answers its first reply. */
  const overWs = async (query: string, user: EmulatorUser = alice) => {
    const { ws } = await connect(user);
    try {
      ws.send({ id: '1', type: 'subscribe', payload: { query } });
      const reply = await ws.message((message) => message.id === '1');
      return { reply, bytes: JSON.stringify(reply).length };
    } finally {
      ws.socket.close();
    }
  };
  const closeAll = async (sockets: RawSocket[]) => {
    for (const ws of sockets) ws.socket.close();
    await Promise.all(sockets.map((ws) => ws.closed));
  };
  const listenerCount = () => scryon.app.services.callEvents.followerCount();
  const until = async (condition: () => boolean, what: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    [alice, bob] = [await signUpUser(), await signUpUser()];
  });
  afterAll(() => scryon.close());

  describe('introspection amplification', () => {
    it('refuses 200 aliased __schema introspections over HTTP without a token, in a small answer', async () => {
      const attack = await post(introspectionBomb(200));
      expect(attack.status).toBe(400);
      expect(attack.body).toEqual(limitHttp(refusals.aliases200));
      expect(attack.bytes).toBeLessThan(200);
      // The reported request is over the body limit: refused unread.
      expect(reportedBomb.length).toBeGreaterThan(90_000);
      const reported = await post(reportedBomb);
      expect(reported.status).toBe(413);
      expect(reported.body.error.code).toBe('payload_too_large');
      expect(reported.bytes).toBeLessThan(200);
      // Within the body limit, parsing stops at token 2001.
      const started = Date.now();
      const tokens = await post(introspectionBomb(400), undefined, 'application/graphql-response+json');
      expect(tokens.status).toBe(400);
      expect(tokens.body).toEqual(limitHttp(refusals.tokens));
      expect(Date.now() - started).toBeLessThan(1_000);
      await expectHealthy();
    });

    it('refuses aliased introspection within the alias limit, answers the one standard introspection', async () => {
      const few = await post('{ a: __schema { queryType { name } } b: __schema { queryType { name } } }');
      expect(few.status).toBe(200);
      expect(few.body.data).toBeUndefined();
      expect(few.body.errors.map((error: { message: string }) => error.message)).toEqual([
        'Aliases are not allowed in introspection ("a: __schema").',
        'Aliases are not allowed in introspection ("b: __schema").',
      ]);
      const inside = await post('{ __schema { types { n1: name n2: name } } }');
      expect(inside.body.errors.map((error: { message: string }) => error.message)).toEqual([
        'Aliases are not allowed in introspection ("n1: name").',
      ]);
      // GraphiQL's and codegen's query: one schema (~45 KB here), as before.
      const standard = await post(getIntrospectionQuery({ inputValueDeprecation: true, oneOf: true }));
      expect(standard.status).toBe(200);
      expect(standard.body.errors).toBeUndefined();
      expect(standard.body.data.__schema.queryType).toEqual({ name: 'Query', kind: 'OBJECT' });
      await expectHealthy();
    });

    it('refuses aliased introspection over graphql-ws, and any operation from a connection with no token', async () => {
      const { reply, bytes } = await overWs(introspectionBomb(200));
      expect(reply).toEqual(limitWs(refusals.aliases200));
      expect(bytes).toBeLessThan(200);
      const anonymous = await connect(undefined);
      expect(anonymous.outcome).toEqual({ code: 4403, reason: 'Forbidden' });
      await expectHealthy();
    });
  });

  describe('operation limits, the same on HTTP and graphql-ws', () => {
    const cases = [
      ['too many tokens', tooManyTokens, refusals.tokens],
      ['too deep', tooDeep, refusals.depth],
      ['too many aliases', tooManyAliases, refusals.aliases16],
      ['too many directives', tooManyDirectives, refusals.directives],
    ] as const;

    for (const [name, query, message] of cases) {
      it(`refuses a query with ${name}`, async () => {
        // Yoga answers a parse error (the token limit) with 400 only
        // to the GraphQL media type, 200 to application/json.
        const http = await post(query, alice.idToken, 'application/graphql-response+json');
        expect(http.status).toBe(400);
        expect(http.body).toEqual(limitHttp(message));
        const { reply } = await overWs(query);
        expect(reply).toEqual(limitWs(message));
        await expectHealthy();
      });
    }

    it('still answers queries within every limit on both transports', async () => {
      const query = `{ ${Array.from({ length: GRAPHQL_LIMITS.maxAliases }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
      const http = await post(query, alice.idToken);
      expect(http.status).toBe(200);
      expect(Object.keys(http.body.data)).toHaveLength(GRAPHQL_LIMITS.maxAliases);
      const { reply } = await overWs(query);
      expect(reply.type).toBe('next');
      expect(reply.payload.data.a0).toEqual(http.body.data.a0);
    });

    it(`refuses a JSON body over ${GRAPHQL_LIMITS.maxBodyBytes} bytes with 413 before parsing it`, async () => {
      const body = JSON.stringify({
        query: '{ me { id } }',
        variables: { padding: 'x'.repeat(GRAPHQL_LIMITS.maxBodyBytes) },
      });
      const response = await scryon.fetch('/graphql', {
        method: 'POST',
        token: alice.idToken,
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(413);
      expect((await response.json()).error.code).toBe('payload_too_large');
      await expectHealthy();
    });
  });

  describe('graphql-ws resources', () => {
    it('closes a connection that sends an 8 MB message (1009) without processing it', async () => {
      const { ws } = await connect(alice);
      const huge = JSON.stringify({
        id: 'big',
        type: 'subscribe',
        payload: { query: `{ me { id } }#${'x'.repeat(8 * 1024 * 1024)}` },
      });
      ws.send(huge);
      expect(await ws.closed).toEqual({ code: 1009, reason: '' });
      expect(ws.received.filter((message) => message.id === 'big')).toEqual([]);
      const { reply } = await overWs('{ me { id } }');
      expect(reply.type).toBe('next');
      await expectHealthy();
    });

    it(`refuses operation ${GRAPHQL_WS_LIMITS.maxOperationsPerConnection + 1} till one ends`, async () => {
      const base = listenerCount();
      const { ws } = await connect(alice);
      try {
        for (let i = 1; i <= GRAPHQL_WS_LIMITS.maxOperationsPerConnection + 1; i += 1) {
          ws.send({
            id: `s${i}`,
            type: 'subscribe',
            payload: { query: 'subscription { myCallStatusChanged { callId } }' },
          });
        }
        const refused = await ws.message(
          (message) => message.id === `s${GRAPHQL_WS_LIMITS.maxOperationsPerConnection + 1}`,
        );
        expect(refused).toEqual({
          id: 's21',
          type: 'error',
          payload: [
            {
              message: 'Too many operations on this connection (at most 20 at once)',
              extensions: { code: 'too_many_operations' },
            },
          ],
        });
        await until(() => listenerCount() === base + GRAPHQL_WS_LIMITS.maxOperationsPerConnection, '20 subscriptions');
        ws.send({ id: 'q1', type: 'subscribe', payload: { query: '{ me { id } }' } });
        expect((await ws.message((message) => message.id === 'q1')).payload[0].extensions.code).toBe(
          'too_many_operations',
        );
        ws.send({ id: 's1', type: 'complete' });
        await until(
          () => listenerCount() === base + GRAPHQL_WS_LIMITS.maxOperationsPerConnection - 1,
          'the completed subscription to let go',
        );
        ws.send({ id: 'q2', type: 'subscribe', payload: { query: '{ me { id } }' } });
        expect((await ws.message((message) => message.id === 'q2')).type).toBe('next');
        expect(ws.received.filter((message) => message.type === 'error').map((message) => message.id)).toEqual([
          's21',
          'q1',
        ]);
      } finally {
        ws.socket.close();
        await ws.closed;
      }
      await until(() => listenerCount() === base, 'every listener to be released');
      await expectHealthy();
    });

    it(`closes connection ${GRAPHQL_WS_LIMITS.maxConnectionsPerUser + 1} of a user with 4429, not others`, async () => {
      const open: RawSocket[] = [];
      try {
        for (let i = 0; i < GRAPHQL_WS_LIMITS.maxConnectionsPerUser; i += 1) {
          const { ws, outcome } = await connect(alice);
          expect(outcome).toBe('ack');
          open.push(ws);
        }
        const extra = await connect(alice);
        expect(extra.outcome).toEqual({ code: 4429, reason: 'Too many connections' });
        const other = await connect(bob);
        expect(other.outcome).toBe('ack');
        open.push(other.ws);
        open[0]!.socket.close();
        await open[0]!.closed;
        const again = await connect(alice);
        expect(again.outcome).toBe('ack');
        open.push(again.ws);
      } finally {
        await closeAll(open);
      }
      await expectHealthy();
    });

    it('releases the bus listener of each subscription whose client leaves (50 subscribe/leave loops)', async () => {
      const base = listenerCount();
      for (let i = 0; i < 50; i += 1) {
        const { ws } = await connect(alice);
        const query =
          i % 2 === 0
            ? 'subscription { myCallStatusChanged { callId } }'
            : `subscription { callStatusChanged(ids: ["${crypto.randomUUID()}"]) { callId } }`;
        ws.send({ id: 'live', type: 'subscribe', payload: { query } });
        await until(() => listenerCount() === base + 1, `subscription ${i} to listen`);
        // Half leave cleanly, half vanish (no close handshake), as a dropped mobile client does.
        if (i % 2 === 0) ws.socket.close();
        else ws.socket.terminate();
        await ws.closed;
        await until(() => listenerCount() === base, `subscription ${i} to let go`);
      }
      expect(listenerCount()).toBe(base);
      await expectHealthy();
    });

    it('refuses a WebSocket upgrade from another site, allows its own host and clients without Origin', async () => {
      await expect(rawSocket({ origin: 'https://evil.example' })).rejects.toThrow('upgrade refused: 403');
      await expect(rawSocket({ origin: 'null' })).rejects.toThrow('upgrade refused: 403');
      const own = await connect(alice, { origin: scryon.url });
      expect(own.outcome).toBe('ack');
      own.ws.socket.close();
      const otherPort = await connect(alice, { origin: 'http://127.0.0.1:1' });
      expect(otherPort.outcome).toBe('ack');
      otherPort.ws.socket.close();
      const noOrigin = await connect(alice);
      expect(noOrigin.outcome).toBe('ack');
      noOrigin.ws.socket.close();
      await expectHealthy();
    });
  });
});

describe('WebSocket origin allow-list', () => {
  const host = { host: 'api.scryon.example' };
  it('allows no Origin, the same host and listed origins; refuses everything else', () => {
    expect(isAllowedWebSocketOrigin(host, [])).toBe(true);
    expect(isAllowedWebSocketOrigin({ ...host, origin: 'https://api.scryon.example' }, [])).toBe(true);
    expect(isAllowedWebSocketOrigin({ ...host, origin: 'https://evil.example' }, [])).toBe(false);
    expect(isAllowedWebSocketOrigin({ ...host, origin: 'null' }, [])).toBe(false);
    expect(
      isAllowedWebSocketOrigin({ ...host, origin: 'https://app.scryon.example' }, ['https://app.scryon.example']),
    ).toBe(true);
    expect(
      isAllowedWebSocketOrigin({ ...host, origin: 'HTTPS://APP.scryon.example' }, ['https://app.scryon.example/']),
    ).toBe(true);
    expect(
      isAllowedWebSocketOrigin({ ...host, origin: 'http://app.scryon.example' }, ['https://app.scryon.example']),
    ).toBe(false);
    expect(
      isAllowedWebSocketOrigin({ ...host, origin: 'https://app.scryon.example.evil.example' }, [
        'https://app.scryon.example',
      ]),
    ).toBe(false);
    expect(
      isAllowedWebSocketOrigin(
        { host: 'internal:8080', 'x-forwarded-host': 'api.scryon.example', origin: 'https://api.scryon.example' },
        [],
      ),
    ).toBe(true);
    // Same host name on another port: GraphiQL behind a proxy, a local front-end dev server.
    expect(isAllowedWebSocketOrigin({ host: 'localhost:3000', origin: 'http://localhost:5173' }, [])).toBe(true);
    expect(isAllowedWebSocketOrigin({ host: '[::1]:3000', origin: 'http://[::1]:5173' }, [])).toBe(true);
    expect(
      isAllowedWebSocketOrigin({ host: 'api.scryon.example', origin: 'https://api.scryon.example.evil.example' }, []),
    ).toBe(false);
    expect(isAllowedWebSocketOrigin({ ...host, origin: 'https://anything.example' }, ['*'])).toBe(true);
    expect(isAllowedWebSocketOrigin({ ...host, origin: 'not a url' }, ['*'])).toBe(false);
  });
});

describe('the prod plugin list', () => {
  // Only introspection and limits are asked for here: no resolver runs, so no context is needed.
  const yogaFor = (profile: 'dev' | 'prod') =>
    createGraphqlYoga({ profile, logger: createLogger('silent'), createContext: () => ({}) as RequestContext });
  const prodYoga = () => yogaFor('prod');
  const ask = async (yoga: ReturnType<typeof prodYoga>, query: string) => {
    const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
    const response = await yoga.fetch('http://scryon.test/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: await response.json() };
  };

  it('refuses introspection and hides field suggestions, but answers __typename', async () => {
    const yoga = prodYoga();
    const introspection = await ask(yoga, getIntrospectionQuery());
    expect(introspection.status).toBe(400);
    expect(introspection.body.data).toBeUndefined();
    expect(introspection.body.errors[0].message).toBe(
      'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
    );
    const type = await ask(yoga, '{ __type(name: "Call") { name } }');
    expect(type.body.errors[0].message).toBe(
      'GraphQL introspection has been disabled, but the requested query contained the field "__type".',
    );
    const typo = await ask(yoga, '{ cals { edges { node { id } } } }');
    expect(typo.body.errors).toEqual([
      expect.objectContaining({ message: 'Cannot query field "cals" on type "Query".' }),
    ]);
    expect(await ask(yoga, '{ __typename }')).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('keeps introspection outside prod, limited like any operation', async () => {
    const yoga = yogaFor('dev');
    const introspection = await ask(yoga, getIntrospectionQuery());
    expect(introspection.status).toBe(200);
    expect(introspection.body.data.__schema.queryType.name).toBe('Query');
    expect(await ask(yoga, introspectionBomb(200))).toEqual({ status: 400, body: limitHttp(refusals.aliases200) });
  });
});

describe('registerGraphql in the prod profile, on a bare Fastify', () => {
  // A prod Scryon needs real Firebase (the harness's emulator is refused in
  // prod), so the GraphQL surface is mounted alone, with a stub authenticator.
  let app: FastifyInstance;
  let url: string;
  const stubContext = (authorization: string | undefined): RequestContext => ({
    services: {} as RequestContext['services'],
    edge: {} as RequestContext['edge'],
    requestId: 'test',
    profile: 'prod',
    authenticate: async () => {
      if (authorization !== 'Bearer good-token') throw new AppError('auth_missing');
      return { id: 'user-1', externalUserId: 'firebase-1', accountStatus: 'ACTIVE' };
    },
  });
  beforeAll(async () => {
    app = Fastify();
    await registerGraphql(app, {
      profile: 'prod',
      logger: createLogger('silent'),
      createContext: (request) => stubContext(request.headers.authorization),
      createConnectionContext: stubContext,
      allowedOrigins: ['https://app.scryon.example'],
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app?.close());

  const wsAsk = (query: string, headers: Record<string, string> = {}) =>
    new Promise<any>((resolve, reject) => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers });
      socket.on('error', reject);
      socket.once('unexpected-response', (_request, response) => resolve({ refused: response.statusCode }));
      socket.on('open', () =>
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer good-token' } })),
      );
      socket.on('message', (data) => {
        const message = JSON.parse(String(data));
        if (message.type === 'connection_ack')
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        else {
          socket.close();
          resolve(message);
        }
      });
    });

  it('refuses introspection over HTTP and graphql-ws', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
          locations: [{ line: 1, column: 3 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
        // graphql's rule names every field of an introspection type it meets.
        {
          message: 'GraphQL introspection has been disabled, but the requested query contained the field "queryType".',
          locations: [{ line: 1, column: 14 }],
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        },
      ],
    });
    expect(await wsAsk('{ __type(name: "Call") { name } }')).toEqual({
      id: '1',
      type: 'error',
      payload: [
        {
          message: 'GraphQL introspection has been disabled, but the requested query contained the field "__type".',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { spec: true, status: 400 } },
        },
      ],
    });
    expect(await wsAsk('{ __typename }')).toEqual({
      id: '1',
      type: 'next',
      payload: { data: { __typename: 'Query' } },
    });
  });

  it('lets the allowedOrigins option open WebSockets from a listed origin only', async () => {
    expect(await wsAsk('{ __typename }', { origin: 'https://app.scryon.example' })).toMatchObject({ type: 'next' });
    expect(await wsAsk('{ __typename }', { origin: 'https://evil.example' })).toEqual({ refused: 403 });
  });
});
