import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countInFlight } from '../../../src/webhooks/webhook-delivery-queries.ts';
import { json, jsonApi, userRowId } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { seedCall } from '../../harness/seed-calls.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../harness/webhook-receiver.ts';
import { killWorkerProcess, startWorkerProcess } from '../../harness/worker-process.ts';

interface Delivery {
  id: string;
  eventType: string;
  state: string;
  attempts: Array<{ statusCode: number | null; success: boolean }>;
}

/**
 * The worker runs as its own process, so it can die as a crash or an OOM
 * kill ends it: mid-attempt, and while a delivery waits to be dispatched.
 */
describe('a worker killed during webhook delivery', () => {
  let scryon: TestApp;
  let receiver: WebhookReceiver;
  let user: EmulatorUser;
  let worker: ChildProcess | undefined;
  let endpoint: { id: string; secret: string };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    scryon = await startTestApp({
      roles: { api: true, worker: false },
      env: { SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', SCRYON_WEBHOOK_RETRY_BASE_SECONDS: '0.2' },
    });
    user = await signUpUser();
    const created = await api('POST', '/api/webhooks', {
      url: `${receiver.url}/`,
      eventTypes: ['call.status_changed', 'call.deleted'],
    });
    endpoint = await json(created);
    receiver.secrets.set('/', endpoint.secret);
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await scryon.close();
    await receiver.close();
  });

  const api = (method: string, path: string, body?: unknown) => jsonApi(scryon, user.idToken)(method, path, body);

  async function deliveries(): Promise<Delivery[]> {
    return (await json<{ deliveries: Delivery[] }>(await api('GET', `/api/webhooks/${endpoint.id}/deliveries`)))
      .deliveries;
  }

  async function settled(count: number, timeoutMs = 90_000): Promise<Delivery[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await deliveries();
      if (all.length >= count && all.every((delivery) => delivery.state !== 'PENDING')) return all;
      if (Date.now() > deadline) throw new Error(`deliveries did not settle: ${JSON.stringify(all)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('mid-attempt: the attempt is made again under the same webhook-id, and the log holds one delivery', async () => {
    worker = startWorkerProcess(scryon.env);
    receiver.faults.push({ hang: true });
    const sent = await json<Delivery>(await api('POST', `/api/webhooks/${endpoint.id}/test`));
    await receiver.received(1);
    await killWorkerProcess(worker);
    worker = startWorkerProcess(scryon.env);
    const receipts = await receiver.received(2);
    const [delivery] = await settled(1);
    worker.kill('SIGTERM');

    expect(delivery!.id).toBe(sent.id);
    expect(delivery!.state).toBe('SUCCEEDED');
    expect(delivery!.attempts.filter((attempt) => attempt.success)).toHaveLength(1);
    expect(receipts.map((receipt) => receipt.webhookId)).toEqual([sent.id, sent.id]);
    expect(receipts.every((receipt) => receipt.verified)).toBe(true);
    expect(await deliveries()).toHaveLength(1);
  });

  it('while no worker runs: what the call event log recorded is delivered once a worker is back', async () => {
    receiver.receipts.length = 0;
    // No worker, no fan-out: the events wait in the log, behind the fan-out's cursor.
    const callId = await seedCall(scryon, { userId: await userRowId(scryon, user.uid) });
    const deleted = await api('DELETE', `/api/calls/${callId}`);
    expect(deleted.status).toBe(204);
    const waiting = await scryon.app.orm.em
      .fork()
      .execute<{ kind: string }[]>(
        `select kind from call_events where call_id = ? and (txid, seq) > (select txid, seq from webhook_fanout) ` +
          `order by txid, seq`,
        [callId],
      );
    expect(waiting.map((event) => event.kind)).toEqual(['call.status', 'call.deleted']);
    expect(await countInFlight(scryon.app.orm.em.fork())).toEqual({ undispatched: 0, retrying: 0 });
    worker = startWorkerProcess(scryon.env);
    const receipts = await receiver.received(2);
    const all = await settled(3);
    worker.kill('SIGTERM');

    const types = receipts
      .map((receipt) => (JSON.parse(receipt.body) as { type: string; data: { callId: string } }).type)
      .sort();
    expect(types).toEqual(['call.deleted', 'call.status_changed']);
    const aboutCall = all.filter((delivery) => delivery.eventType !== 'webhook.test');
    expect(aboutCall).toHaveLength(2);
    expect(new Set(receipts.map((receipt) => receipt.webhookId))).toEqual(
      new Set(aboutCall.map((delivery) => delivery.id)),
    );
  });
});
