import { createTRPCClient, httpSubscriptionLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../../src/api/trpc/app-router.ts';
import type { CallStatus } from '../../../src/calls/call-record.entity.ts';
import { transitionCallStatus } from '../../../src/calls/call-status.ts';
import type { ProcessingStage } from '../../../src/pipeline/processing-event-queries.ts';
import { recordStageEvent } from '../../../src/pipeline/processing-events.ts';
import { signUpUser, type EmulatorUser } from '../../harness/firebase-users.ts';
import { wsClient } from '../../harness/graphql-client.ts';
import { seedCall } from '../../harness/seed-calls.ts';
import { startTestApp, type TestApp } from '../../harness/test-app.ts';

/** What every surface gives of an event, whatever its kind. */
interface Received {
  id: string;
  callId: string;
  what: string;
}

interface Stream {
  /** The next event, waiting for it. */
  next(): Promise<Received>;
  close(): void;
}

type Kind = 'status' | 'progress';

const STATUS_FIELDS = 'id callId status';
const PROGRESS_FIELDS = 'id callId stage state';
const queryOf = (kind: Kind) =>
  kind === 'status'
    ? `subscription ($ids: [ID!]!, $after: String) { event: callStatusChanged(ids: $ids, lastEventId: $after) ` +
      `{ ${STATUS_FIELDS} } }`
    : `subscription ($ids: [ID!]!, $after: String) { event: callProgress(ids: $ids, lastEventId: $after) ` +
      `{ ${PROGRESS_FIELDS} } }`;

function received(event: { id: string; callId: string; status?: string; stage?: string; state?: string }): Received {
  return { id: event.id, callId: event.callId, what: event.status ?? `${event.stage}:${event.state}` };
}

/** Pushed events, handed to whoever waits for the next one. */
function queue() {
  const items: Received[] = [];
  const waiting: Array<(item: Received) => void> = [];
  let failure: unknown;
  const rejecters: Array<(error: unknown) => void> = [];
  return {
    push(item: Received) {
      const wake = waiting.shift();
      rejecters.shift();
      if (wake) wake(item);
      else items.push(item);
    },
    fail(error: unknown) {
      failure = error;
      for (const reject of rejecters.splice(0)) reject(error);
      waiting.length = 0;
    },
    next(): Promise<Received> {
      if (items.length > 0) return Promise.resolve(items.shift()!);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push(resolve);
        rejecters.push(reject);
      });
    },
  };
}

type Surface = (
  scryon: TestApp,
  user: EmulatorUser,
  kind: Kind,
  callIds: string[],
  lastEventId: string | undefined,
) => Stream;

const graphqlWs: Surface = (scryon, user, kind, callIds, lastEventId) => {
  const events = queue();
  const client = wsClient(scryon, user.idToken);
  client.subscribe<{ event: Parameters<typeof received>[0] }>(
    { query: queryOf(kind), variables: { ids: callIds, after: lastEventId ?? null } },
    {
      next: (result) => (result.errors ? events.fail(result.errors) : events.push(received(result.data!.event))),
      error: (error) => events.fail(error),
      complete: () => undefined,
    },
  );
  return { next: events.next, close: () => void client.dispose() };
};

const graphqlSse: Surface = (scryon, user, kind, callIds, lastEventId) => {
  const events = queue();
  const controller = new AbortController();
  void (async () => {
    const response = await scryon.fetch('/graphql', {
      method: 'POST',
      token: user.idToken,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: queryOf(kind), variables: { ids: callIds, after: lastEventId ?? null } }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += new TextDecoder().decode(value);
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split('\n').find((line) => line.startsWith('data:'));
        if (!block.includes('event: next') || !data) continue;
        const result = JSON.parse(data.slice(5)) as { data?: { event: Parameters<typeof received>[0] }; errors?: [] };
        if (result.errors) events.fail(result.errors);
        else events.push(received(result.data!.event));
      }
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) events.fail(error);
  });
  return { next: events.next, close: () => controller.abort() };
};

const trpcSse: Surface = (scryon, user, kind, callIds, lastEventId) => {
  const events = queue();
  const client = createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink({
        url: `${scryon.url}/trpc`,
        connectionParams: { authorization: `Bearer ${user.idToken}` },
        EventSource,
      }),
    ],
  });
  const input = { ids: callIds, lastEventId };
  const handlers = {
    onData: (envelope: { id: string; data: Parameters<typeof received>[0] }) => {
      // The id tRPC tracks, which its link sends back as lastEventId, is the event's own.
      expect(envelope.id).toBe(envelope.data.id);
      events.push(received(envelope.data));
    },
    onError: (error: unknown) => events.fail(error),
  };
  const subscription =
    kind === 'status'
      ? client.calls.onStatusChange.subscribe(input, handlers)
      : client.calls.onProgress.subscribe(input, handlers);
  return { next: events.next, close: () => subscription.unsubscribe() };
};

const SURFACES: Array<[string, Surface]> = [
  ['GraphQL over graphql-ws', graphqlWs],
  ['GraphQL over SSE', graphqlSse],
  ['tRPC over SSE', trpcSse],
];

const STATUSES: CallStatus[] = ['TRANSCRIBING', 'ANALYZING', 'COMPLETED'];
const STAGES: ProcessingStage[] = ['AUDIO_PREPROCESSED', 'DIARIZED', 'TRANSCRIBED'];

describe('status and progress streams resume after lastEventId', () => {
  let scryon: TestApp;
  let user: EmulatorUser;
  let userId: string;

  beforeAll(async () => {
    scryon = await startTestApp({ roles: { api: true, worker: false } });
    user = await signUpUser();
    // The first request makes the user's row.
    userId = ((await (await scryon.fetch('/api/users/me', { token: user.idToken })).json()) as { id: string }).id;
  });
  afterAll(() => scryon.close());

  /** The writes that take a call through its statuses, or through stages, one at a time. */
  function writesOf(kind: Kind, callId: string): Array<() => Promise<unknown>> {
    const em = () => scryon.app.orm.em.fork();
    if (kind === 'status') return STATUSES.map((status) => () => transitionCallStatus(em(), callId, status));
    return STAGES.flatMap((stage) =>
      (['STARTED', 'COMPLETED'] as const).map(
        (status) => () => recordStageEvent(em(), { callId, userId, stage, status }),
      ),
    );
  }

  /** The call's events of `kind` as the log holds them, in log order, with the ids the streams give. */
  async function logged(kind: Kind, callId: string): Promise<Received[]> {
    const rows = await scryon.db!.query<{ id: string; what: string }>(
      `select txid::text || '.' || seq as id,
              coalesce(data->>'status', (data->>'stage') || ':' || (data->>'state')) as what
         from call_events where call_id = $1 and kind = $2 order by txid, seq`,
      [callId, kind === 'status' ? 'call.status' : 'call.progress'],
    );
    return rows.map((row) => ({ ...row, callId }));
  }

  async function take(stream: Stream, count: number): Promise<Received[]> {
    const taken: Received[] = [];
    while (taken.length < count) taken.push(await stream.next());
    return taken;
  }

  for (const [name, surface] of SURFACES) {
    for (const kind of ['status', 'progress'] as const) {
      it(`${name}, ${kind}: a client dropping after event k and back with its id gets exactly the rest`, async () => {
        const callId = await seedCall(scryon, { userId });
        const writes = writesOf(kind, callId);
        // Status streams start with the current status (QUEUED); progress streams with the stages so far (none).
        const atStart = kind === 'status' ? 1 : 0;
        const total = atStart + writes.length;
        const k = atStart + 1;

        const first = surface(scryon, user, kind, [callId], undefined);
        const before: Received[] = atStart ? await take(first, atStart) : [];
        await writes[0]!();
        before.push(...(await take(first, k - before.length)));
        first.close();
        // Written while the client is away, and after it is back.
        await writes[1]!();
        const second = surface(scryon, user, kind, [callId], before.at(-1)!.id);
        for (const write of writes.slice(2)) await write();
        const after = await take(second, total - k);
        second.close();

        const log = await logged(kind, callId);
        expect(log).toHaveLength(total);
        expect([...before, ...after]).toEqual(log);

        // And from every id of the finished stream, exactly the events after it.
        for (let cut = 0; cut < total - 1; cut += 1) {
          const resumed = surface(scryon, user, kind, [callId], log[cut]!.id);
          expect(await take(resumed, total - cut - 1)).toEqual(log.slice(cut + 1));
          resumed.close();
        }
      });
    }
  }

  it('a late subscriber amid concurrent writers gets each call from its current status, no gap or repeat', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.nat(), { minLength: 4, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        async (callCount, order, joins) => {
          const callIds = await Promise.all(Array.from({ length: callCount }, () => seedCall(scryon, { userId })));
          const next = new Map(callIds.map((callId) => [callId, 0]));
          // Writers move different calls at once, in transactions of their own.
          const batches = chunk(order, 2).map((batch) =>
            [...new Set(batch.map((pick) => callIds[pick % callCount]!))].flatMap((callId) => {
              const step = next.get(callId)!;
              if (step >= STATUSES.length) return [];
              next.set(callId, step + 1);
              return [() => transitionCallStatus(scryon.app.orm.em.fork(), callId, STATUSES[step]!)];
            }),
          );
          const streams: Array<Promise<Map<string, string[]>>> = [];
          let writing = true;
          for (const [index, batch] of batches.entries()) {
            for (const join of joins) if (join % batches.length === index) streams.push(follow(callIds));
            await Promise.all(batch.map((write) => write()));
          }
          writing = false;
          const finals = new Map(
            await Promise.all(
              callIds.map(async (callId) => [callId, (await logged('status', callId)).map((e) => e.what)] as const),
            ),
          );
          for (const seen of await Promise.all(streams)) {
            for (const callId of callIds) {
              const all = ['QUEUED', ...finals.get(callId)!.slice(1)];
              const got = seen.get(callId) ?? [];
              // A contiguous run of the call's statuses that ends at its last one.
              expect(got.length).toBeGreaterThan(0);
              expect(got).toEqual(all.slice(all.length - got.length));
            }
          }

          /** Follows the calls' statuses until each has reached its last status. */
          async function follow(ids: string[]): Promise<Map<string, string[]>> {
            const stream = scryon.app.services.calls.statusChanges({ userId, callIds: ids });
            const seen = new Map<string, string[]>();
            const iterator = stream[Symbol.asyncIterator]();
            const done = async () => {
              if (writing) return false;
              const finals = await Promise.all(
                ids.map(async (callId) => (await logged('status', callId)).at(-1)?.what),
              );
              return ids.every((callId, index) => seen.get(callId)?.at(-1) === finals[index]);
            };
            let pending = iterator.next();
            try {
              while (!(await done())) {
                const next = await Promise.race([
                  pending,
                  new Promise<'idle'>((resolve) => setTimeout(() => resolve('idle'), 50)),
                ]);
                if (next === 'idle') continue;
                if (next.done) break;
                pending = iterator.next();
                seen.set(next.value.callId, [...(seen.get(next.value.callId) ?? []), next.value.status]);
              }
            } finally {
              await iterator.return?.(undefined);
            }
            return seen;
          }
        },
      ),
      { numRuns: 15, seed: 30 },
    );
  });
});

function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, index * size + size),
  );
}
