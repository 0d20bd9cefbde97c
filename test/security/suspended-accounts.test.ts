import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, jsonApi, userRowId } from '../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { waitFor } from '../harness/free-port.ts';
import { wsClient } from '../harness/graphql-client.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../harness/webhook-receiver.ts';

const STATUS_QUERY = 'subscription { myCallStatusChanged { status } }';

/** The whole text of a streamed answer, once the server ends it. */
async function streamText(response: Response): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) text += decoder.decode(chunk, { stream: true });
  return text;
}

/**
 * An operator suspends or disables an account (a statement on the users
 * table, nothing else): what the account already had open stops too, not
 * only its next request.
 */
describe("a suspended or disabled account's open subscriptions and webhooks stop", () => {
  let scryon: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    scryon = await startTestApp({
      env: {
        SCRYON_ACCOUNT_RECHECK_SECONDS: '0',
        SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        SCRYON_WEBHOOK_TIMEOUT_SECONDS: '5',
        SCRYON_WEBHOOK_RETRY_BASE_SECONDS: '0.1',
      },
    });
  });
  afterAll(async () => {
    await scryon.close();
    await receiver.close();
  });

  const setStatus = async (userId: string, status: string) => {
    await scryon.db!.query('update users set account_status = $1 where id = $2', [status, userId]);
  };
  const listening = () => scryon.app.services.callEvents.followerCount();

  async function activeUser(): Promise<{ user: EmulatorUser; userId: string }> {
    const user = await signUpUser();
    expect((await scryon.fetch('/api/users/me', { token: user.idToken })).status).toBe(200);
    return { user, userId: await userRowId(scryon, user.uid) };
  }

  it.each([
    ['SUSPENDED', 'account_suspended'],
    ['DISABLED', 'account_disabled'],
  ] as const)(
    'a %s account: its tRPC SSE, GraphQL SSE and graphql-ws subscriptions end with %s',
    { timeout: 60_000 },
    async (status, code) => {
      const { user, userId } = await activeUser();
      const before = listening();
      const trpc = scryon
        .fetch('/trpc/calls.onStatusChange', { token: user.idToken, headers: { accept: 'text/event-stream' } })
        .then(streamText);
      const sse = scryon
        .fetch('/graphql', {
          method: 'POST',
          token: user.idToken,
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query: STATUS_QUERY }),
        })
        .then(streamText);
      const client = wsClient(scryon, user.idToken);
      const ws = new Promise<string>((resolve) => {
        client.subscribe(
          { query: STATUS_QUERY },
          {
            next: (result) => result.errors && resolve(JSON.stringify(result.errors)),
            error: (error) => resolve(JSON.stringify(error)),
            complete: () => resolve('completed without an error'),
          },
        );
      });
      try {
        // Each subscription listens on the status bus once it is open: the readiness signal, no sleep.
        await waitFor(async () => listening() >= before + 3, 'the three subscriptions to be open');
        await setStatus(userId, status);
        const [trpcText, sseText, wsText] = await Promise.all([trpc, sse, ws]);
        expect(trpcText).toContain(code);
        expect(sseText).toContain(code);
        expect(wsText).toContain(code);
        await waitFor(async () => scryon.app.edge.subscriptions.openFor(userId) === 0, 'every slot to be released');
      } finally {
        await client.dispose();
      }
    },
  );

  it("a suspended account's retrying delivery is not sent again; a new one waits undispatched until it is active", {
    timeout: 90_000,
  }, async () => {
    const { user, userId } = await activeUser();
    const api = jsonApi(scryon, user.idToken);
    const path = `/suspended-${userId}`;
    const endpoint = await json<{ id: string; secret: string }>(
      await api('POST', '/api/webhooks', { url: `${receiver.url}${path}`, eventTypes: ['call.completed'] }),
    );
    receiver.secrets.set(path, endpoint.secret);
    const mine = () => receiver.receipts.filter((receipt) => receipt.path === path);
    const stateOf = async (id: string) =>
      (
        await scryon.db!.query<{ state: string; dispatched_at: Date | null }>(
          'select state, dispatched_at from webhook_deliveries where id = $1',
          [id],
        )
      )[0]!;

    // The first attempt hangs at the receiver (and times out), so
    // the delivery is mid-retry when the account is suspended.
    receiver.faults.push({ hang: true });
    const sent = await api('POST', `/api/webhooks/${endpoint.id}/test`);
    expect(sent.status).toBe(202);
    const retrying = (await json<{ id: string }>(sent)).id;
    await waitFor(async () => mine().length === 1, 'the first attempt to reach the receiver');
    await setStatus(userId, 'SUSPENDED');
    await waitFor(async () => (await stateOf(retrying)).state !== 'PENDING', 'the retrying delivery to settle');
    expect((await stateOf(retrying)).state).toBe('FAILED');
    expect(mine()).toHaveLength(1);

    // An event of a suspended account (the pipeline finishing one of its calls, say) is enqueued, never dispatched.
    const [queued] = await scryon.db!.query<{ id: string }>(
      `insert into webhook_deliveries (endpoint_id, user_id, event_type, payload) values ($1, $2, 'call.completed', ` +
        `'{"type":"call.completed"}') returning id`,
      [endpoint.id, userId],
    );
    await scryon.app.webhookDispatcher!.drain();
    expect((await stateOf(queued!.id)).dispatched_at).toBeNull();
    expect(mine()).toHaveLength(1);

    await setStatus(userId, 'ACTIVE');
    await scryon.app.webhookDispatcher!.drain();
    expect((await stateOf(queued!.id)).dispatched_at).not.toBeNull();
    await waitFor(async () => mine().length === 2, 'the queued delivery to go out once the account is active');
    expect(mine()[1]!.webhookId).toBe(queued!.id);
  });
});
