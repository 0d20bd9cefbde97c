import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pruneDeliveries } from '../../../src/webhooks/webhook-delivery-queries.ts';
import { json, jsonApi } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { graphql } from '../../harness/graphql-client.ts';
import { submitFixture, waitForStatus } from '../../harness/pipeline-app.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';
import { startWebhookReceiver, type ReceiverFault, type WebhookReceiver } from '../../harness/webhook-receiver.ts';

// Every answer this file receives under /api must be one the OpenAPI document declares.
interface Attempt {
  attempt: number;
  statusCode: number | null;
  success: boolean;
  error: string | null;
  nextRetryAt: string | null;
  attemptedAt: string;
}
interface Delivery {
  id: string;
  eventType: string;
  state: string;
  callId: string | null;
  attempts: Attempt[];
}

const TIMEOUT_MS = 500;

describe('webhooks: signed deliveries with a delivery log', () => {
  let scryon: TestApp;
  let receiver: WebhookReceiver;
  let user: EmulatorUser;
  let endpoint: { id: string; secret: string };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    scryon = await startTestApp({
      env: {
        SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        SCRYON_WEBHOOK_TIMEOUT_SECONDS: String(TIMEOUT_MS / 1000),
        SCRYON_WEBHOOK_RETRY_BASE_SECONDS: '0.1',
        SCRYON_WEBHOOK_MAX_ENDPOINTS_PER_USER: '3',
        // The log is polled until each delivery settles; the limiter is not what this suite tests.
        SCRYON_RATE_LIMIT_USER_PER_MINUTE: '100000',
      },
    });
    user = await signUpUser();
  });
  afterAll(async () => {
    await scryon.close();
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.faults.length = 0;
    receiver.receipts.length = 0;
    if (endpoint) await api('DELETE', `/api/webhooks/${endpoint.id}`);
    endpoint = await json(
      await api('POST', '/api/webhooks', {
        url: `${receiver.url}/`,
        eventTypes: [
          'call.status_changed',
          'call.completed',
          'call.failed',
          'call.deleted',
          'action_item.created',
          'action_item.updated',
        ],
      }),
    );
    receiver.secrets.set('/', endpoint.secret);
  });

  const api = (method: string, path: string, body?: unknown, token = user.idToken) =>
    jsonApi(scryon, user.idToken)(method, path, body, token);

  async function settled(deliveryId: string): Promise<Delivery> {
    for (;;) {
      const { deliveries } = await json<{ deliveries: Delivery[] }>(
        await api('GET', `/api/webhooks/${endpoint.id}/deliveries`),
      );
      const delivery = deliveries.find((candidate) => candidate.id === deliveryId);
      if (delivery && delivery.state !== 'PENDING') return delivery;
      await scryon.app.webhookDispatcher?.drain();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function testDeliveryWith(faults: ReceiverFault[]): Promise<Delivery> {
    receiver.faults.push(...faults);
    const response = await api('POST', `/api/webhooks/${endpoint.id}/test`);
    expect(response.status).toBe(202);
    return settled((await json<Delivery>(response)).id);
  }

  it('shows the secret once: on create and rotation, never in the list', async () => {
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = await json(await api('GET', '/api/webhooks'));
    expect(listed.endpoints).toHaveLength(1);
    expect(listed.endpoints[0]).not.toHaveProperty('secret');
    const rotated = await json(await api('POST', `/api/webhooks/${endpoint.id}/rotate-secret`));
    expect(rotated.secret).not.toBe(endpoint.secret);
    receiver.secrets.set('/', rotated.secret);
    const delivery = await testDeliveryWith([]);
    expect(delivery.state).toBe('SUCCEEDED');
    expect(receiver.receipts.map((receipt) => receipt.verified)).toEqual([true]);
  });

  it('forgets a stored create answer, secret and all, once the endpoint is deleted or its secret rotated', async () => {
    const create = (key: string) =>
      scryon.fetch('/api/webhooks', {
        method: 'POST',
        token: user.idToken,
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ url: `${receiver.url}/keyed`, eventTypes: ['call.completed'] }),
      });
    const first = await json(await create('webhook-create-deleted'));
    expect(await json(await create('webhook-create-deleted'))).toEqual(first);
    expect((await api('DELETE', `/api/webhooks/${first.id}`)).status).toBe(204);
    const again = await json(await create('webhook-create-deleted'));
    expect(again.id).not.toBe(first.id);
    expect((await api('POST', `/api/webhooks/${again.id}/rotate-secret`)).status).toBe(200);
    const afterRotation = await json(await create('webhook-create-deleted'));
    expect(afterRotation.secret).not.toBe(again.secret);
    for (const id of [again.id, afterRotation.id]) await api('DELETE', `/api/webhooks/${id}`);
  });

  it('prunes deliveries past retention in bounded chunks, their attempts with them, and keeps the rest', async () => {
    const deliveries = [];
    for (let i = 0; i < 5; i += 1) deliveries.push(await json(await api('POST', `/api/webhooks/${endpoint.id}/test`)));
    for (const delivery of deliveries) await settled(delivery.id);
    const old = deliveries.slice(0, 3).map((delivery) => delivery.id);
    await scryon.db!.query(
      `update webhook_deliveries set created_at = now() - interval '31 days' where id = any($1::uuid[])`,
      [old],
    );
    expect(await pruneDeliveries(scryon.app.orm.em.fork(), 30, 2)).toBe(3);
    const left = await scryon.db!.query<{ id: string }>(
      'select id from webhook_deliveries where id = any($1::uuid[])',
      [deliveries.map((delivery) => delivery.id)],
    );
    expect(left.map((row) => row.id).sort()).toEqual(
      deliveries
        .slice(3)
        .map((delivery) => delivery.id)
        .sort(),
    );
    expect(await scryon.db!.query('select 1 from webhook_attempts where delivery_id = any($1::uuid[])', [old])).toEqual(
      [],
    );
  });

  it("refuses another user's endpoint and a malformed id as not found, and a URL that is not http(s)", async () => {
    const other = await signUpUser();
    for (const [method, path] of [
      ['GET', `/api/webhooks/${endpoint.id}/deliveries`],
      ['PATCH', `/api/webhooks/${endpoint.id}`],
      ['DELETE', `/api/webhooks/${endpoint.id}`],
      ['POST', `/api/webhooks/${endpoint.id}/test`],
    ] as const) {
      const response = await api(method, path, method === 'PATCH' ? { enabled: false } : undefined, other.idToken);
      expect([method, path, response.status]).toEqual([method, path, 404]);
    }
    expect((await api('DELETE', '/api/webhooks/not-a-uuid')).status).toBe(404);
    expect(
      (await api('POST', '/api/webhooks', { url: 'ftp://example.com/hook', eventTypes: ['call.completed'] })).status,
    ).toBe(400);
    expect(
      (await api('POST', '/api/webhooks', { url: 'https://example.com/hook', eventTypes: ['call.nope'] })).status,
    ).toBe(400);
    expect(
      (await api('POST', '/api/webhooks', { url: 'https://user:pw@example.com/hook', eventTypes: ['call.completed'] }))
        .status,
    ).toBe(400);
    const create = () =>
      api(
        'POST',
        '/api/webhooks',
        { url: 'https://hooks.example.com/scryon', eventTypes: ['call.completed'] },
        other.idToken,
      );
    expect([
      (await create()).status,
      (await create()).status,
      (await create()).status,
      (await create()).status,
    ]).toEqual([201, 201, 201, 409]);
  });

  it('answers hostile and broken input with a documented 4xx and leaves no endpoint behind', async () => {
    const before = (await json(await api('GET', '/api/webhooks'))).endpoints.length;
    const cases: Array<[string, string, unknown]> = [
      ['POST', '/api/webhooks', {}],
      [
        'POST',
        '/api/webhooks',
        { url: `https://hooks.example.com/${'a'.repeat(3000)}`, eventTypes: ['call.completed'] },
      ],
      ['POST', '/api/webhooks', { url: 'https://hooks.example.com/', eventTypes: [] }],
      [
        'POST',
        '/api/webhooks',
        { url: 'https://hooks.example.com/', eventTypes: ['call.completed', 'call.completed'] },
      ],
      ['POST', '/api/webhooks', { url: 'https://hooks.example.com/', eventTypes: 'call.completed' }],
      ['POST', '/api/webhooks', { url: 'https://hooks.example.com/', eventTypes: ['call.completed'], secret: 'mine' }],
      ['POST', '/api/webhooks', { url: 42, eventTypes: ['call.completed'] }],
      [
        'POST',
        '/api/webhooks',
        { url: 'https://hooks.example.com/', eventTypes: ['call.completed'], description: 'd'.repeat(501) },
      ],
      [
        'POST',
        '/api/webhooks',
        { url: 'https://hooks.example.com/', eventTypes: ['call.completed'], description: 'a\u0000b' },
      ],
      // Short as sent, nine times longer once percent-encoded.
      [
        'POST',
        '/api/webhooks',
        { url: `https://hooks.example.com/${'\u0800'.repeat(700)}`, eventTypes: ['call.completed'] },
      ],
      ['PATCH', `/api/webhooks/${endpoint.id}`, { enabled: 'yes' }],
      ['PATCH', `/api/webhooks/${endpoint.id}`, { url: 'ftp://hooks.example.com/' }],
      ['GET', `/api/webhooks/${endpoint.id}/deliveries?limit=0`, undefined],
      ['GET', `/api/webhooks/${endpoint.id}/deliveries?limit=101`, undefined],
      ['GET', `/api/webhooks/${endpoint.id}/deliveries?limit=abc`, undefined],
      ['POST', `/api/webhooks/deliveries/${crypto.randomUUID()}/replay`, undefined],
      ['POST', '/api/webhooks/deliveries/%00/replay', undefined],
      ['POST', `/api/webhooks/${'x'.repeat(200)}/test`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const response = await api(method, path, body);
      expect([
        method,
        path.slice(0, 80),
        response.status >= 400 && response.status < 500 ? '4xx' : response.status,
      ]).toEqual([method, path.slice(0, 80), '4xx']);
    }
    const notJson = await scryon.fetch('/api/webhooks', {
      method: 'POST',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: '{"url":',
    });
    expect(notJson.status).toBe(400);
    expect((await api('GET', '/api/webhooks', undefined, 'not-a-token')).status).toBe(401);
    expect((await json(await api('GET', '/api/webhooks'))).endpoints).toHaveLength(before);
    // The refused PATCH changed nothing.
    expect(
      (await json(await api('GET', '/api/webhooks'))).endpoints.find(
        (candidate: { id: string }) => candidate.id === endpoint.id,
      ).url,
    ).toBe(`${receiver.url}/`);
  });

  it('a processed call announces each status, its completion and items, signed, in its delivery log', async () => {
    const callId = await submitFixture(scryon, user.idToken, 'wav', { direction: 'OUTGOING' });
    expect(await waitForStatus(scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const items = await json<unknown[]>(await api('GET', `/api/calls/${callId}/action-items`));
    const expected = 4 + 1 + items.length; // QUEUED, TRANSCRIBING, ANALYZING, COMPLETED; call.completed; one per item
    const receipts = await receiver.received(expected);
    expect(receipts.every((receipt) => receipt.verified)).toBe(true);
    const bodies = receipts.map(
      (receipt) => JSON.parse(receipt.body) as { type: string; data: { callId: string; status?: string } },
    );
    expect(bodies.every((body) => body.data.callId === callId)).toBe(true);
    expect(
      bodies
        .filter((body) => body.type === 'call.status_changed')
        .map((body) => body.data.status)
        .sort(),
    ).toEqual(['ANALYZING', 'COMPLETED', 'QUEUED', 'TRANSCRIBING']);
    expect(bodies.filter((body) => body.type === 'call.completed')).toHaveLength(1);
    expect(bodies.filter((body) => body.type === 'action_item.created')).toHaveLength(items.length);
    // Thin payloads: ids and states, never a transcript, title or name.
    expect(receipts.every((receipt) => receipt.body.length < 400)).toBe(true);

    const log = await json<{ deliveries: Delivery[] }>(await api('GET', `/api/calls/${callId}/webhook-deliveries`));
    await Promise.all(log.deliveries.map((delivery) => settled(delivery.id)));
    expect(log.deliveries).toHaveLength(expected);
    expect(new Set(log.deliveries.map((delivery) => delivery.id))).toEqual(
      new Set(receipts.map((receipt) => receipt.webhookId)),
    );

    const deleted = await api('DELETE', `/api/calls/${callId}`);
    expect(deleted.status).toBeLessThan(300);
    const [last] = (await receiver.received(expected + 1)).slice(-1);
    expect(JSON.parse(last!.body)).toMatchObject({ type: 'call.deleted', data: { callId } });
  });

  it('a receiver that times out is tried again, and the log says so', async () => {
    const delivery = await testDeliveryWith([{ hang: true }]);
    expect(delivery.state).toBe('SUCCEEDED');
    expect(delivery.attempts.map((attempt) => [attempt.statusCode, attempt.success])).toEqual([
      [null, false],
      [200, true],
    ]);
    expect(delivery.attempts[0]!.error).toBe('connection_failed');
    expect(delivery.attempts[0]!.nextRetryAt).not.toBeNull();
  });

  it('500 twice: three attempts, the last delivered, the same webhook-id each time', async () => {
    const delivery = await testDeliveryWith([{ status: 500 }, { status: 500 }]);
    expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(delivery.attempts.map((attempt) => attempt.nextRetryAt === null)).toEqual([false, false, true]);
    expect(new Set(receiver.receipts.map((receipt) => receipt.webhookId))).toEqual(new Set([delivery.id]));
    expect(receiver.receipts.every((receipt) => receipt.verified)).toBe(true);
  });

  it('429 with Retry-After: the next attempt waits at least that long', async () => {
    const delivery = await testDeliveryWith([{ status: 429, headers: { 'retry-after': '1' } }]);
    expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([429, 200]);
    const [first, second] = receiver.receipts;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1_000);
    expect(
      Date.parse(delivery.attempts[0]!.nextRetryAt!) - Date.parse(delivery.attempts[0]!.attemptedAt),
    ).toBeGreaterThanOrEqual(1_000 - 50);
  });

  it('400: one attempt, not retried', async () => {
    const delivery = await testDeliveryWith([{ status: 400 }]);
    expect(delivery.state).toBe('FAILED');
    expect(delivery.attempts.map((attempt) => [attempt.statusCode, attempt.nextRetryAt])).toEqual([[400, null]]);
    expect(receiver.receipts).toHaveLength(1);
  });

  it('a redirect is an answer, never followed', async () => {
    const delivery = await testDeliveryWith([
      { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } },
    ]);
    expect(delivery.state).toBe('FAILED');
    expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([302]);
    expect(receiver.receipts).toHaveLength(1);
  });

  it('410: one attempt, and the endpoint is disabled until its owner enables it', async () => {
    const delivery = await testDeliveryWith([{ status: 410 }]);
    expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([410]);
    const { endpoints } = await json(await api('GET', '/api/webhooks'));
    expect(endpoints[0]).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('410') });
    const enabled = await json(await api('PATCH', `/api/webhooks/${endpoint.id}`, { enabled: true }));
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('a replay sends the same webhook-id again and continues the log', async () => {
    const delivery = await testDeliveryWith([]);
    const replayed = await api('POST', `/api/webhooks/deliveries/${delivery.id}/replay`);
    expect(replayed.status).toBe(202);
    const after = await settled(delivery.id);
    expect(after.attempts.map((attempt) => [attempt.attempt, attempt.statusCode])).toEqual([
      [1, 200],
      [2, 200],
    ]);
    expect(receiver.receipts.map((receipt) => receipt.webhookId)).toEqual([delivery.id, delivery.id]);
  });

  it('a replay of a delivery waiting out a long Retry-After attempts at once, in the same run', async () => {
    receiver.faults.push({ status: 503, headers: { 'retry-after': '3600' } });
    const sent = await json<Delivery>(await api('POST', `/api/webhooks/${endpoint.id}/test`));
    await receiver.received(1);
    expect((await api('POST', `/api/webhooks/deliveries/${sent.id}/replay`)).status).toBe(202);
    const after = await settled(sent.id);
    expect(after.attempts.map((attempt) => [attempt.attempt, attempt.statusCode])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    const workflowId = `webhook-webhook.test-${sent.id}`;
    const runs = [];
    for await (const run of scryon.app.temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
      runs.push(run);
    expect(runs).toHaveLength(1);
  });

  it('names each delivery in Temporal after its event and id', async () => {
    const delivery = await testDeliveryWith([]);
    const handle = scryon.app.temporal.client.workflow.getHandle(`webhook-webhook.test-${delivery.id}`);
    // The log settles with the attempt; the run closes just after.
    expect(await handle.result()).toBe('SUCCEEDED');
    const description = await handle.describe();
    expect(description.type).toBe('webhookDeliveryWorkflow');
    expect(description.status.name).toBe('COMPLETED');
  });

  it('holds the endpoint limit against creates sent all at once', async () => {
    const before = (await json(await api('GET', '/api/webhooks'))).endpoints.length;
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        api('POST', '/api/webhooks', { url: `${receiver.url}/race-${index}`, eventTypes: ['call.completed'] }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(3 - before);
    expect(statuses.filter((status) => status === 409)).toHaveLength(12 - (3 - before));
    const { endpoints } = await json<{ endpoints: Array<{ id: string }> }>(await api('GET', '/api/webhooks'));
    expect(endpoints).toHaveLength(3);
    for (const created of endpoints.filter((candidate) => candidate.id !== endpoint.id))
      await api('DELETE', `/api/webhooks/${created.id}`);
  });

  it('is one set of operations on REST, tRPC and GraphQL: the same endpoints, the same refusals', async () => {
    const created = await graphql(
      scryon,
      user.idToken,
      'mutation ($url: String!) { createWebhookEndpoint(url: $url, eventTypes: [CALL_COMPLETED, ' +
        'ACTION_ITEM_UPDATED]) { id eventTypes secret } }',
      { url: `${receiver.url}/graphql` },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createWebhookEndpoint.eventTypes).toEqual(['CALL_COMPLETED', 'ACTION_ITEM_UPDATED']);
    expect(created.data.createWebhookEndpoint.secret).toMatch(/^whsec_/);
    const trpc = await json(await scryon.fetch('/trpc/webhooks.list', { token: user.idToken }));
    const rest = await json(await api('GET', '/api/webhooks'));
    expect(trpc.result.data).toEqual(rest);
    expect(
      rest.endpoints.find((candidate: { id: string }) => candidate.id === created.data.createWebhookEndpoint.id),
    ).toMatchObject({ eventTypes: ['call.completed', 'action_item.updated'] });
    const listed = await graphql(scryon, user.idToken, '{ webhookEndpoints { id secret } }');
    expect(
      listed.data.webhookEndpoints.every((candidate: { secret: string | null }) => candidate.secret === null),
    ).toBe(true);

    const refusedGraphql = await graphql(
      scryon,
      user.idToken,
      'mutation { createWebhookEndpoint(url: "ftp://example.com/", eventTypes: [CALL_COMPLETED]) { id } }',
    );
    expect(refusedGraphql.errors?.[0]?.extensions?.code).toBe('validation_failed');
    const refusedTrpc = await scryon.fetch('/trpc/webhooks.create', {
      method: 'POST',
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'ftp://example.com/', eventTypes: ['call.completed'] }),
    });
    expect(refusedTrpc.status).toBe(400);
    const missing = await graphql(
      scryon,
      user.idToken,
      `mutation { deleteWebhookEndpoint(id: "${crypto.randomUUID()}") }`,
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe('webhook_endpoint_not_found');
    expect((await api('DELETE', `/api/webhooks/${created.data.createWebhookEndpoint.id}`)).status).toBe(204);
  });
});

describe('webhooks outside dev: private targets refused', () => {
  let scryon: TestApp;
  let user: EmulatorUser;

  beforeAll(async () => {
    scryon = await startTestApp({ env: { SCRYON_WEBHOOK_RETRY_BASE_SECONDS: '0.1' } });
    user = await signUpUser();
  });
  afterAll(() => scryon.close());

  const post = (path: string, body?: unknown) => jsonApi(scryon, user.idToken)('POST', path, body);

  it('refuses a private address at creation, a name resolving to one at every attempt, without a request', async () => {
    for (const url of [
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://169.254.169.254/latest',
      'http://hooks.example.com/plain-http',
    ]) {
      const refused = await post('/api/webhooks', { url, eventTypes: ['call.completed'] });
      expect([url, refused.status]).toEqual([url, 400]);
    }
    const created = await json(
      await post('/api/webhooks', { url: 'https://localhost/hook', eventTypes: ['call.completed'] }),
    );
    const repointed = await jsonApi(scryon, user.idToken)('PATCH', `/api/webhooks/${created.id}`, {
      url: 'https://169.254.169.254/latest',
    });
    expect(repointed.status).toBe(400);
    const sent = await json<Delivery>(await post(`/api/webhooks/${created.id}/test`));
    let delivery: Delivery | undefined;
    while (delivery?.state !== 'FAILED') {
      const { deliveries } = await json<{ deliveries: Delivery[] }>(
        await scryon.fetch(`/api/webhooks/${created.id}/deliveries`, { token: user.idToken }),
      );
      delivery = deliveries.find((candidate) => candidate.id === sent.id);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(delivery.attempts.map((attempt) => [attempt.statusCode, attempt.nextRetryAt])).toEqual([[null, null]]);
    expect(delivery.attempts[0]!.error).toContain('target refused: the host resolves to a private');
  });
});
