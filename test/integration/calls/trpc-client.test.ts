import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  isNonJsonSerializable,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../../src/api/trpc/app-router.ts';
import { transitionCallStatus } from '../../../src/calls/call-status.ts';
import type { CallStatusEvent } from '../../../src/calls/call-status-changes.ts';
import { wavBytes } from '../../harness/audio.ts';
import { json, uploadCall, uploadForm } from '../../harness/calls-client.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { opened, startTestApp, type TestApp } from '../../harness/test-app.ts';

function clientFor(scryon: TestApp, user: EmulatorUser) {
  const authorization = `Bearer ${user.idToken}`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // Node has no global EventSource; browsers use their own.
        true: httpSubscriptionLink({ url: `${scryon.url}/trpc`, connectionParams: { authorization }, EventSource }),
        false: splitLink({
          condition: (op) => isNonJsonSerializable(op.input),
          true: httpLink({ url: `${scryon.url}/trpc`, headers: { authorization } }),
          false: httpBatchLink({ url: `${scryon.url}/trpc`, headers: { authorization } }),
        }),
      }),
    ],
  });
}

describe('the tRPC surface with @trpc/client', () => {
  let scryon: TestApp;
  let alice: EmulatorUser;
  let bob: EmulatorUser;

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    [alice, bob] = [await signUpUser(), await signUpUser()];
  });
  afterAll(() => scryon.close());

  it('lists, reads and deletes with end-to-end types', async () => {
    const client = clientFor(scryon, alice);
    const { callId } = await json(
      await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) }, metadata: { title: 'typed' } }),
    );
    const page = await client.calls.list.query({ limit: 10 });
    expect(page.items.map((item) => item.callId)).toContain(callId);
    const detail = await client.calls.get.query({ id: callId });
    expect(detail.title).toBe('typed');
    const statuses = await client.calls.statuses.query({ ids: [callId] });
    expect(statuses.items).toEqual([{ callId, status: 'QUEUED' }]);
    await client.calls.delete.mutate({ id: callId });
    await expect(client.calls.get.query({ id: callId })).rejects.toMatchObject({
      data: { appError: { code: 'call_not_found' }, httpStatus: 404 },
    });
  });

  it('submits a recording through an upload, and refuses bytes that are not audio', async () => {
    const client = clientFor(scryon, alice);
    const upload = await client.calls.createUpload.mutate();
    expect(upload).toMatchObject({ method: 'PUT', maxBytes: expect.any(Number), expiresAt: expect.any(String) });
    const put = await fetch(new URL(upload.uploadUrl, scryon.url), {
      method: upload.method,
      headers: { authorization: `Bearer ${alice.idToken}`, 'content-type': 'audio/wav' },
      body: new Uint8Array(wavBytes(1)),
    });
    expect(await put.json()).toEqual({ uploadId: upload.uploadId, format: 'wav', byteSize: wavBytes(1).length });
    const metadata = { title: 'via trpc', direction: 'INCOMING' as const };
    const result = await client.calls.submit.mutate({ uploadId: upload.uploadId, metadata });
    expect(result).toEqual({ callId: upload.uploadId, status: 'QUEUED' });
    expect(await client.calls.get.query({ id: result.callId })).toMatchObject(metadata);

    const bad = await client.calls.createUpload.mutate();
    const refused = await fetch(new URL(bad.uploadUrl, scryon.url), {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice.idToken}` },
      body: new TextEncoder().encode('not audio '.repeat(100)),
    });
    expect(refused.status).toBe(415);
    await expect(client.calls.submit.mutate({ uploadId: bad.uploadId })).rejects.toMatchObject({
      data: { appError: { code: 'upload_not_found' }, httpStatus: 404 },
    });
  });

  it('refuses a multipart body before the adapter would read it, pointing to the upload', async () => {
    const response = await fetch(`${scryon.url}/trpc/calls.submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.idToken}` },
      body: uploadForm({ file: { bytes: wavBytes(1) } }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain('calls.createUpload');
  });

  it('carries the error code of the one error table', async () => {
    const client = clientFor(scryon, alice);
    const error = await client.calls.statuses.query({ ids: ['not-a-uuid'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
      code: 'BAD_REQUEST',
      appError: { code: 'validation_failed' },
    });
  });

  it("streams the caller's status changes over SSE and nobody else's", async () => {
    const [{ callId: mine }, { callId: theirs }] = [
      await json(await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) } })),
      await json(await uploadCall(scryon, bob.idToken, { file: { bytes: wavBytes(1) } })),
    ];
    const seen: CallStatusEvent[] = [];
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    let subscription!: { unsubscribe(): void };
    await opened(scryon, () => {
      subscription = clientFor(scryon, alice).calls.onStatusChange.subscribe(undefined, {
        onData: (envelope) => {
          seen.push(envelope.data as CallStatusEvent);
          if ((envelope.data as CallStatusEvent).status === 'TRANSCRIBING') resolveDone();
        },
      });
    });
    await transitionCallStatus(scryon.app.orm.em.fork(), theirs, 'TRANSCRIBING');
    await transitionCallStatus(scryon.app.orm.em.fork(), mine, 'TRANSCRIBING');
    await done;
    subscription.unsubscribe();
    // A stream "from now" may also carry a change of the caller's of a moment before it opened; never another user's.
    const changes = seen.filter((event) => event.callId === mine && event.status !== 'QUEUED');
    expect(changes.map((event) => [event.callId, event.status])).toEqual([[mine, 'TRANSCRIBING']]);
    expect(seen.filter((event) => event.callId === theirs)).toEqual([]);
  });

  it('backfills the current status when subscribing to given ids', async () => {
    const { callId } = await json(await uploadCall(scryon, alice.idToken, { file: { bytes: wavBytes(1) } }));
    const first = await new Promise<CallStatusEvent>((resolve) => {
      const subscription = clientFor(scryon, alice).calls.onStatusChange.subscribe(
        { ids: [callId] },
        {
          onData: (envelope) => {
            subscription.unsubscribe();
            resolve(envelope.data as CallStatusEvent);
          },
        },
      );
    });
    expect(first).toMatchObject({ callId, status: 'QUEUED' });
  });
});

describe('status events across API instances', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp({ roles: { api: true, worker: false } });
    second = await startTestApp({ roles: { api: true, worker: false }, shareWith: first });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('a change committed through one instance reaches a subscriber on the other', async () => {
    const user = await signUpUser();
    const { callId } = await json(await uploadCall(first, user.idToken, { file: { bytes: wavBytes(1) } }));
    let received!: Promise<CallStatusEvent>;
    await opened(second, () => {
      received = new Promise<CallStatusEvent>((resolve) => {
        const subscription = clientFor(second, user).calls.onStatusChange.subscribe(undefined, {
          onData: (envelope) => {
            // A stream "from now" may also carry the QUEUED committed a moment before it opened.
            if ((envelope.data as CallStatusEvent).status === 'QUEUED') return;
            subscription.unsubscribe();
            resolve(envelope.data as CallStatusEvent);
          },
        });
      });
    });
    await transitionCallStatus(first.app.orm.em.fork(), callId, 'TRANSCRIBING');
    expect(await received).toMatchObject({ callId, status: 'TRANSCRIBING' });
  });
});
