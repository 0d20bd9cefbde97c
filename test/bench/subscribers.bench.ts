import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { wavBytes } from '../harness/audio.ts';
import { fmt } from './load.ts';
import { startProductionPath } from './production-path.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const USERS = 100;
const SUBSCRIBERS_PER_USER = 10;
/** One status per round, each a forward move as the pipeline makes it. */
const ROUND_STATUSES = ['TRANSCRIBING', 'ANALYZING'];
const MB = 1024 * 1024;
const SIGNAL_CHANNEL = 'scryon_signals';
const QUERY = 'subscription ($ids: [ID!]!) { callStatusChanged(ids: $ids) { callId status occurredAt } }';

interface Caller {
  token: string;
  userId: string;
  callId: string;
}

interface Subscriber {
  /** Resolves at the subscription's first event (the current status): it is open. */
  opened: Promise<void>;
  /** Resolves at the first TRANSCRIBING event, with when it arrived. */
  changed: Promise<number>;
  close(): void;
}

/**
 * 1,000 status subscribers on the production path, half graphql-ws and half
 * GraphQL over SSE, ten per user over 100 users, each on the user's own call.
 * The bench moves every call to TRANSCRIBING the way the pipeline does (the
 * row's update, whose trigger appends to the call event log, which sends the
 * wake-up) and measures, per subscriber, from the commit to the event, which
 * the server reads from the log. The baseline, in the same rounds, is a bare
 * PostgreSQL LISTEN client in this process hearing the same wake-up: the
 * floor of the bus itself.
 * Then all disconnect, and a second round shows the server's memory and
 * listener count back where they started. Target: p99 < 250 ms.
 */
export async function benchSubscribers(): Promise<{ p99Ms: number }> {
  const production = await startProductionPath({ SCRYON_METRICS_PORT: '0', SCRYON_HTTP_MAX_CONNECTIONS: '5000' });
  const database = new pg.Client({ connectionString: production.env.DATABASE_URL });
  const bareListener = new pg.Client({ connectionString: production.env.DATABASE_URL });
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(path.resolve('test/bench/scryon-server.ts'), production.env, ['--expose-gc']);
    await database.connect();
    await bareListener.connect();
    await bareListener.query(`listen ${SIGNAL_CHANNEL}`);
    const bareArrivals = new Map<string, number>();
    bareListener.on('notification', (message) => {
      const signal = JSON.parse(message.payload ?? '{}') as { kind?: string; callId?: string; event?: string };
      if (signal.kind === 'log' && signal.event === 'call.status' && signal.callId)
        bareArrivals.set(`${signal.callId}:${statusOf.get(signal.callId)}`, performance.now());
    });
    /** The status each call is being moved to: a wake-up names the call, not the status. */
    const statusOf = new Map<string, string>();
    const callers: Caller[] = [];
    for (let user = 0; user < USERS; user += 1)
      callers.push(await callerWithOneCall(server, production.signUp, database));
    const start = await serverState(server);
    console.log(
      `status subscribers, production path (${USERS * SUBSCRIBERS_PER_USER} subscribers: half graphql-ws, half ` +
        `SSE, ${USERS} users; the status change committed by the bench)`,
    );
    console.log(`  at start            ${describeState(start)}`);
    let p99Ms = Number.NaN;
    for (const [index, status] of ROUND_STATUSES.entries()) {
      const round = index + 1;
      const subscribers = callers.flatMap((caller) =>
        Array.from({ length: SUBSCRIBERS_PER_USER }, (_, index) =>
          subscribe(server!, caller, status, index % 2 === 0 ? 'ws' : 'sse'),
        ),
      );
      await Promise.all(subscribers.map((subscriber) => subscriber.opened));
      const open = await serverState(server);
      const committedAt = new Map<string, number>();
      for (const caller of callers) {
        statusOf.set(caller.callId, status);
        committedAt.set(caller.callId, await moveStatus(database, caller, status));
      }
      const arrivals = await Promise.all(subscribers.map((subscriber) => subscriber.changed));
      const latencies = arrivals
        .map(
          (arrivedAt, index) => arrivedAt - committedAt.get(callers[Math.floor(index / SUBSCRIBERS_PER_USER)]!.callId)!,
        )
        .sort((a, b) => a - b);
      const pick = (q: number, sorted = latencies) =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      p99Ms = pick(0.99);
      const bare = callers
        .map((caller) => bareArrivals.get(`${caller.callId}:${status}`)! - committedAt.get(caller.callId)!)
        .sort((a, b) => a - b);
      for (const subscriber of subscribers) subscriber.close();
      const closed = await settledState(server, start);
      const perSubscriberKb = (bytes: number) => fmt(bytes / subscribers.length / 1024, 1);
      console.log(
        `  round ${round}, all open   ${describeState(open)}; per ` +
          `subscriber ${perSubscriberKb(open.heapUsed - start.heapUsed)} KB ` +
          `heap, ${perSubscriberKb(open.rss - start.rss)} KB RSS`,
      );
      console.log(
        `  round ${round}, latency    p50 ${fmt(pick(0.5))} ms  p99 ${fmt(p99Ms)} ms  max ${fmt(latencies.at(-1)!)} ` +
          `ms (target p99 < 250) ${p99Ms < 250 ? 'PASS' : 'ABOVE TARGET'}`,
      );
      console.log(
        `  round ${round}, bare LISTEN p50 ${fmt(pick(0.5, bare))} ms  p99 ${fmt(pick(0.99, bare))} ms: the bus ` +
          `alone; scryon's p99 is ${fmt(p99Ms / pick(0.99, bare), 1)}× it`,
      );
      console.log(`  round ${round}, all closed ${describeState(closed)}`);
    }
    return { p99Ms };
  } finally {
    await database.end().catch(() => undefined);
    await bareListener.end().catch(() => undefined);
    await server?.stop();
    await production.stop();
  }
}

async function callerWithOneCall(
  server: ServerProcess,
  signUp: () => Promise<string>,
  database: pg.Client,
): Promise<Caller> {
  const token = await signUp();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(wavBytes(0.2))], { type: 'audio/wav' }), 'a.wav');
  const response = await fetch(`${server.url}/api/calls/analyze`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 202) throw new Error(`upload answered ${response.status}`);
  const { callId } = (await response.json()) as { callId: string };
  const row = await database.query<{ user_id: string }>('select user_id from call_records where id = $1', [callId]);
  return { token, callId, userId: row.rows[0]!.user_id };
}

/**
 * What the pipeline does on a status change: the row's update,
 * which the log's trigger records; the wake-up leaves at commit.
 */
async function moveStatus(database: pg.Client, caller: Caller, status: string): Promise<number> {
  await database.query('begin');
  await database.query('update call_records set status = $2, updated_at = now() where id = $1', [
    caller.callId,
    status,
  ]);
  const committedAt = performance.now();
  await database.query('commit');
  return committedAt;
}

function subscribe(server: ServerProcess, caller: Caller, awaited: string, transport: 'ws' | 'sse'): Subscriber {
  let opened!: () => void;
  let changed!: (at: number) => void;
  let failed!: (error: unknown) => void;
  const openedPromise = new Promise<void>((resolve, reject) => ((opened = resolve), (failed = reject)));
  const changedPromise = new Promise<number>((resolve) => (changed = resolve));
  const onEvent = (status: string) => {
    if (status === awaited) changed(performance.now());
    else opened();
  };
  const close =
    transport === 'ws' ? subscribeWs(server, caller, onEvent, failed) : subscribeSse(server, caller, onEvent, failed);
  return { opened: openedPromise, changed: changedPromise, close };
}

function subscribeWs(
  server: ServerProcess,
  caller: Caller,
  onEvent: (status: string) => void,
  failed: (error: unknown) => void,
): () => void {
  const client: Client = createClient({
    url: `${server.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${caller.token}` },
    retryAttempts: 0,
  });
  client.subscribe<{ callStatusChanged: { status: string } }>(
    { query: QUERY, variables: { ids: [caller.callId] } },
    {
      next: (result) => result.data && onEvent(result.data.callStatusChanged.status),
      error: failed,
      complete: () => undefined,
    },
  );
  return () => void client.dispose();
}

function subscribeSse(
  server: ServerProcess,
  caller: Caller,
  onEvent: (status: string) => void,
  failed: (error: unknown) => void,
): () => void {
  const controller = new AbortController();
  void (async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${caller.token}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify({ query: QUERY, variables: { ids: [caller.callId] } }),
      signal: controller.signal,
    });
    if (!response.ok || !response.body) throw new Error(`SSE answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        const data = buffer
          .slice(0, cut)
          .split('\n')
          .find((line) => line.startsWith('data:'));
        buffer = buffer.slice(cut + 2);
        const status = data
          ? (JSON.parse(data.slice(5)) as { data?: { callStatusChanged?: { status: string } } }).data?.callStatusChanged
              ?.status
          : undefined;
        if (status) onEvent(status);
      }
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) failed(error);
  });
  return () => controller.abort();
}

interface ServerState {
  rss: number;
  heapUsed: number;
  subscriptions: number;
  listeners: number;
}

/** After a full collection in the server, so memory figures count what is still referenced. */
async function serverState(server: ServerProcess): Promise<ServerState> {
  const collected = await fetch(`${server.url}/__bench/gc`, { method: 'POST' });
  if (!collected.ok) throw new Error(`the bench server did not collect garbage: ${collected.status}`);
  const text = await (await fetch(server.metricsUrl!)).text();
  const sample = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    rss: server.rss(),
    heapUsed: sample('scryon_nodejs_heap_size_used_bytes'),
    subscriptions: sample('scryon_open_subscriptions'),
    listeners: sample('scryon_call_event_followers'),
  };
}

/**
 * Once every subscription is released and the listeners are back
 * to the start's count (the server's own signal, polled).
 */
async function settledState(server: ServerProcess, start: ServerState): Promise<ServerState> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await serverState(server);
    if ((state.subscriptions === 0 && state.listeners === start.listeners) || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function describeState(state: ServerState): string {
  return (
    `RSS ${fmt(state.rss / MB, 1)} MB, heap used ${fmt(state.heapUsed / MB, 1)} MB, open ` +
    `subscriptions ${state.subscriptions}, bus listeners ${state.listeners}`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSubscribers();
