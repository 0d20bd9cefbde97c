import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, jsonApi } from '../../harness/calls-client.ts';
import { signUpUser } from '../../harness/firebase-users.ts';
import { submitFixture, waitForStatus } from '../../harness/pipeline-app.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../harness/webhook-receiver.ts';

describe('webhooks on the embedded default (PGlite, API and worker in one process)', () => {
  let scryon: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    scryon = await startTestApp({ database: 'pglite', env: { SCRYON_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
  });
  afterAll(async () => {
    await scryon.close();
    await receiver.close();
  });

  it("the triggers enqueue, the bus wakes the dispatcher, and the call's completion arrives signed", async () => {
    const user = await signUpUser();
    const created = await jsonApi(scryon, user.idToken)('POST', '/api/webhooks', {
      url: `${receiver.url}/`,
      eventTypes: ['call.completed'],
    });
    expect(created.status).toBe(201);
    receiver.secrets.set('/', (await json(created)).secret);
    const callId = await submitFixture(scryon, user.idToken, 'wav');
    expect(await waitForStatus(scryon, user.idToken, callId, ['COMPLETED', 'FAILED'])).toBe('COMPLETED');
    const [receipt] = await receiver.received(1);
    expect(receipt!.verified).toBe(true);
    expect(JSON.parse(receipt!.body)).toMatchObject({ type: 'call.completed', data: { callId, status: 'COMPLETED' } });
  });
});
