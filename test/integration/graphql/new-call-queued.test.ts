import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { transitionCallStatus } from '../../../src/calls/call-status.ts';
import { wavBytes } from '../../harness/audio.ts';
import { json, uploadCall } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { sseEvents, wsClient } from '../../harness/graphql-client.ts';
import { opened, startTestApp, type TestApp } from '../../harness/test-app.ts';

const MY_CALLS = 'subscription { myCallStatusChanged { callId status } }';

/**
 * A watcher of all of a user's calls must hear of a new one at once: with no
 * worker the call stays QUEUED until the test moves it on as the pipeline
 * would, so a watcher that missed the QUEUED sees TRANSCRIBING first.
 */
describe("a new call's first event on the watcher of the user's calls is QUEUED", () => {
  let scryon: TestApp;
  let user: EmulatorUser;
  /** Uploads a call and moves it on at once: the log keeps its QUEUED ahead of the next status whenever it is read. */
  const uploadAndStart = async () => {
    const { callId } = await json(await uploadCall(scryon, user.idToken, { file: { bytes: wavBytes(1) } }));
    await transitionCallStatus(scryon.app.orm.em.fork(), callId, 'TRANSCRIBING');
    return callId as string;
  };

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
  });
  // A user of its own for each surface: a stream "from now" may also carry a change of a moment before it opened.
  beforeEach(async () => {
    user = await signUpUser();
  });
  afterAll(() => scryon.close());

  it('over GraphQL SSE', async () => {
    let callId = '';
    const following = () => scryon.app.services.callEvents.joinsInTotal();
    const before = following();
    const [first] = await sseEvents(scryon, user.idToken, MY_CALLS, 1, async () => {
      while (following() <= before) await new Promise((resolve) => setTimeout(resolve, 10));
      callId = await uploadAndStart();
    });
    expect(first.data.myCallStatusChanged).toEqual({ callId, status: 'QUEUED' });
  });

  it('over graphql-ws', async () => {
    const client = wsClient(scryon, user.idToken);
    try {
      let first!: Promise<any>;
      await opened(scryon, () => {
        first = new Promise<any>((resolve, reject) => {
          client.subscribe({ query: MY_CALLS }, { next: resolve, error: reject, complete: () => undefined });
        });
      });
      const callId = await uploadAndStart();
      expect((await first).data.myCallStatusChanged).toEqual({ callId, status: 'QUEUED' });
    } finally {
      await client.dispose();
    }
  });

  it("over tRPC's SSE (calls.onStatusChange)", async () => {
    const controller = new AbortController();
    const headers = { accept: 'text/event-stream' };
    const signal = controller.signal;
    let response!: Promise<Response>;
    await opened(scryon, () => {
      response = scryon.fetch('/trpc/calls.onStatusChange', { token: user.idToken, headers, signal });
    });
    try {
      const first = firstDataEvent((await response).body!);
      const callId = await uploadAndStart();
      expect(await first).toMatchObject({ callId, status: 'QUEUED' });
    } finally {
      controller.abort();
    }
  });
});

/** The first `data:` line of a tRPC SSE stream that carries an event (not the `connected` notice). */
async function firstDataEvent(body: ReadableStream<Uint8Array>): Promise<unknown> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    // Complete lines only: a chunk may end inside one.
    for (const line of buffer.split('\n').slice(0, -1)) {
      if (!line.startsWith('data:')) continue;
      const data = JSON.parse(line.slice(5)) as { callId?: string };
      if (data && typeof data === 'object' && 'callId' in data) return data;
    }
  }
  throw new Error('the stream ended before any event');
}
