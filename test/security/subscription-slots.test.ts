import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SUBSCRIPTIONS_PER_USER } from '../../src/api/operations/edge-kit.ts';
import { signUpUser, type EmulatorUser } from '../harness/firebase-users.ts';
import { waitFor } from '../harness/free-port.ts';
import { startTestApp, type TestApp } from '../harness/test-app.ts';

/** A client that opens status subscriptions until the server stops it, then lets go of all of them. */
describe('open subscriptions per user are bounded', () => {
  let scryon: TestApp;
  let mallory: EmulatorUser;
  const streams: AbortController[] = [];

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    mallory = await signUpUser();
  });
  afterAll(async () => {
    for (const stream of streams) stream.abort();
    await scryon.close();
  });

  /** Opens a tRPC SSE subscription and returns its first event's data line. */
  async function subscribe(user: EmulatorUser): Promise<string> {
    const controller = new AbortController();
    streams.push(controller);
    const response = await scryon.fetch('/trpc/calls.onStatusChange', {
      token: user.idToken,
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('data:')) text += new TextDecoder().decode((await reader.read()).value);
    return text;
  }

  async function slotsOf(user: EmulatorUser): Promise<number> {
    const rows = await scryon.db!.query<{ id: string }>('select id from users where external_user_id = $1', [user.uid]);
    return rows[0] ? scryon.app.edge.subscriptions.openFor(rows[0].id) : 0;
  }

  it(`past ${MAX_SUBSCRIPTIONS_PER_USER} subscriptions: 429 too_many_subscriptions; a close frees all`, async () => {
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_USER; i += 1) expect(await subscribe(mallory)).not.toContain('"error"');
    expect(await slotsOf(mallory)).toBe(MAX_SUBSCRIPTIONS_PER_USER);

    const refusal = await subscribe(mallory);
    expect(refusal).toContain('"httpStatus":429');
    expect(refusal).toContain('"code":"too_many_subscriptions"');
    expect(await subscribe(await signUpUser())).not.toContain('too_many_subscriptions');

    for (const stream of streams.splice(0)) stream.abort();
    await waitFor(async () => (await slotsOf(mallory)) === 0, 'every slot to be released', 30_000);
    expect(await subscribe(mallory)).not.toContain('too_many_subscriptions');
    expect((await scryon.fetch('/api/health')).status).toBe(200);
  });
});
