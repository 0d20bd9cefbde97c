import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { subscriptionErrors, wsClient } from '../harness/graphql-client.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

const PER_USER = 30;
const PER_IP = 80;

/** A client hammering the API: the same budget applies whichever surface it uses. */
describe('rate limits on every surface', () => {
  let scryon: TestApp;

  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: {
        SCRYON_RATE_LIMIT_USER_PER_MINUTE: String(PER_USER),
        SCRYON_RATE_LIMIT_IP_PER_MINUTE: String(PER_IP),
        SCRYON_TRUST_PROXY: 'false',
      },
    });
  });
  afterAll(() => scryon.close());

  /** One request of the user's budget on each surface in turn. */
  const requests = (user: EmulatorUser) => [
    () => scryon.fetch('/api/calls?limit=1', { token: user.idToken }),
    () => scryon.fetch(`/trpc/calls.list?input=${encodeURIComponent('{"limit":1}')}`, { token: user.idToken }),
    () =>
      scryon.fetch('/graphql', {
        method: 'POST',
        token: user.idToken,
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ me { id } }"}',
      }),
  ];

  it('a user past their budget gets 429 rate_limited with Retry-After on REST, tRPC and GraphQL alike', async () => {
    const mallory = await signUpUser();
    const surfaces = requests(mallory);
    const statuses: number[] = [];
    for (let i = 0; i < PER_USER; i += 1) statuses.push((await surfaces[i % 3]!()).status);
    expect(statuses.every((status) => status === 200)).toBe(true);

    for (const send of surfaces) {
      const refused = await send();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({
        error: { code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } },
      });
    }

    const bystander = await signUpUser();
    expect((await scryon.fetch('/api/calls?limit=1', { token: bystander.idToken })).status).toBe(200);
  });

  it('a subscription over graphql-ws counts against the same budget', async () => {
    const mallory = await signUpUser();
    for (let i = 0; i < PER_USER; i += 1) await requests(mallory)[0]!();
    const client = wsClient(scryon, mallory.idToken);
    try {
      const errors = await subscriptionErrors(client, { query: 'subscription { myCallStatusChanged { status } }' });
      expect(errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'rate_limited' }) }),
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('graphql-ws queries and mutations, and tRPC with its token in connectionParams, share one budget', async () => {
    const mallory = await signUpUser();
    const client = wsClient(scryon, mallory.idToken);
    const query = () =>
      new Promise<{ errors?: readonly unknown[] }>((resolve) => {
        client.subscribe(
          { query: '{ me { id } }' },
          {
            next: resolve,
            error: (error) => resolve({ errors: Array.isArray(error) ? error : [error] }),
            complete: () => undefined,
          },
        );
      });
    try {
      for (let i = 0; i < PER_USER; i += 1) expect((await query()).errors).toBeUndefined();
      expect((await query()).errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'rate_limited' }) }),
      ]);
    } finally {
      await client.dispose();
    }
    const connectionParams = encodeURIComponent(JSON.stringify({ authorization: `Bearer ${mallory.idToken}` }));
    const viaParams = await scryon.fetch(
      `/trpc/calls.list?connectionParams=${connectionParams}&input=${encodeURIComponent('{"limit":1}')}`,
    );
    expect(viaParams.status).toBe(429);
  });

  it("an address over budget is refused before auth; an untrusted peer's X-Forwarded-For changes nothing", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP; i += 1)
      statuses.push(
        (await scryon.fetch('/api/calls', { headers: { 'x-forwarded-for': `198.51.100.${i % 250}` } })).status,
      );
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    const refused = await scryon.fetch('/api/health', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('rate_limited');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('the address budget behind an API key', () => {
  let scryon: TestApp;

  beforeAll(async () => {
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: {
        SCRYON_API_KEY: 'rate-limit-test-key',
        SCRYON_RATE_LIMIT_IP_PER_MINUTE: '10',
        SCRYON_TRUST_PROXY: 'false',
      },
    });
  });
  afterAll(() => scryon.close());

  it('counts requests with a wrong key too, so guessing the key is throttled', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1)
      statuses.push((await scryon.fetch('/api/calls', { headers: { 'x-api-key': `guess-${i}` } })).status);
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
