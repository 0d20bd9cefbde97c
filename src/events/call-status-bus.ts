import pg from 'pg';
import type { Em, Orm } from '../db/orm.ts';
import type { Logger } from '../observability/logger.ts';
import type { CallStatus } from '../calls/call-record.entity.ts';

/** What subscribers receive on every persisted status change. */
export interface CallStatusEvent {
  callId: string;
  userId: string;
  status: CallStatus;
  errorReason: string | null;
  occurredAt: string;
}

export type CallStatusListener = (event: CallStatusEvent) => void;

/** A pipeline stage of a call started, completed, was skipped or failed; `id` is its processing event's. */
export interface StageProgressEvent {
  id: string;
  callId: string;
  userId: string;
  stage: string;
  state: 'STARTED' | 'COMPLETED' | 'SKIPPED' | 'FAILED';
  at: string;
}

/** A call (or every call of a user) that no longer exists, for caches to forget. */
export type CallRemoval = { callId: string; userId: string } | { callId?: undefined; userId: string };

/** A user whose tokens signed in up to `atMs` are void on every instance (sign-out everywhere, account deletion). */
export interface IdentityRevocation {
  externalUserId: string;
  atMs: number;
}

/** An account's status changed (an operator suspended, disabled or reactivated it), announced by the users' trigger. */
export interface AccountStatusChange {
  userId: string;
  externalUserId: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'DISABLED';
}

/** A provider announced that one of its jobs ended (pyannoteAI's verified webhook): whoever waits for it fetches it. */
export interface ProviderJobEnded {
  provider: 'pyannote';
  jobId: string;
}

export interface CallStatusBus {
  subscribe(listener: CallStatusListener): () => void;
  onRemoval(listener: (removal: CallRemoval) => void): () => void;
  onIdentityRevoked(listener: (revocation: IdentityRevocation) => void): () => void;
  onProgress(listener: (event: StageProgressEvent) => void): () => void;
  /** Webhook deliveries of the user were enqueued (by the database's triggers, when their transaction committed). */
  onWebhookDeliveries(listener: (enqueued: { userId: string }) => void): () => void;
  onAccountStatus(listener: (change: AccountStatusChange) => void): () => void;
  onProviderJobEnded(listener: (ended: ProviderJobEnded) => void): () => void;
  /** Fires when the listening connection was re-established: events may have been missed. */
  onReconnect(listener: () => void): () => void;
  /** How many status listeners are subscribed right now (diagnostics and leak tests; read-only). */
  listenerCount?(): number;
  close(): Promise<void>;
}

const CHANNEL = 'scryon_call_status';

/**
 * Queues the event inside the caller's transaction: PostgreSQL (and PGlite)
 * deliver a NOTIFY only when that transaction commits, so subscribers never
 * see a status the database does not have.
 */
export async function publishCallStatus(em: Em, event: CallStatusEvent): Promise<void> {
  await notify(em, { kind: 'status', ...event });
}

/** Announces deleted calls (or a deleted account) in the deleting transaction. */
export async function publishCallRemoval(em: Em, removal: CallRemoval): Promise<void> {
  await notify(em, { kind: 'removal', ...removal });
}

/** Announces a revocation; inside a transaction it is delivered when that commits, outside one at once. */
export async function publishIdentityRevocation(em: Em, revocation: IdentityRevocation): Promise<void> {
  await notify(em, { kind: 'identity', ...revocation });
}

/** Announces a stage's progress, as its processing event is recorded (outside any transaction: at once). */
export async function publishStageProgress(em: Em, event: StageProgressEvent): Promise<void> {
  await notify(em, { kind: 'progress', ...event });
}

/**
 * Announces webhook deliveries enqueued by code rather than by the
 * database's triggers (a test event); the triggers send the same message.
 */
export async function publishWebhookDeliveries(em: Em, userId: string): Promise<void> {
  await notify(em, { kind: 'webhooks', userId });
}

/**
 * Announces a provider job's end to every process, the API where the webhook arrives and the workers (and
 * API instances, for voiceprints) that wait for it. This bus rather than Redis pub/sub: every deployment
 * has it (PGlite included, where Redis is optional), it already reaches each role and reconnects, and only
 * the job id travels, far below NOTIFY's payload limit. A message lost in a reconnect costs latency only:
 * waiters fetch at their safety-net interval, and a reconnect wakes them all.
 */
export async function publishProviderJobEnded(em: Em, ended: ProviderJobEnded): Promise<void> {
  await notify(em, { kind: 'provider-job', ...ended });
}

async function notify(em: Em, message: BusMessage): Promise<void> {
  await em
    .getConnection()
    .execute(`select pg_notify(?, ?)`, [CHANNEL, JSON.stringify(message)], 'all', em.getTransactionContext());
}

/** What each kind of message on the channel carries. */
interface BusPayloads {
  status: CallStatusEvent;
  removal: CallRemoval;
  identity: IdentityRevocation;
  progress: StageProgressEvent;
  webhooks: { userId: string };
  account: AccountStatusChange;
  'provider-job': ProviderJobEnded;
}
type BusKind = keyof BusPayloads;
type BusMessage = { [K in BusKind]: { kind: K } & BusPayloads[K] }[BusKind];
type BusListeners = { [K in BusKind]: Set<(payload: BusPayloads[K]) => void> };

/**
 * Listens on the database channel, so an event published by any worker or API
 * instance reaches subscribers on every instance without another service.
 */
export async function createCallStatusBus(options: {
  orm: Orm;
  databaseUrl: string | undefined;
  logger: Logger;
}): Promise<CallStatusBus> {
  const listeners: BusListeners = {
    status: new Set(),
    removal: new Set(),
    identity: new Set(),
    progress: new Set(),
    webhooks: new Set(),
    account: new Set(),
    'provider-job': new Set(),
  };
  const reconnectListeners = new Set<() => void>();
  const safely = <T>(fn: (value: T) => void, value: T) => {
    try {
      fn(value);
    } catch (error) {
      options.logger.warn({ err: error }, 'call status listener failed');
    }
  };
  const deliver = (payload: string | undefined) => {
    const message = parseMessage(payload);
    if (!message) return;
    const { kind, ...body } = message;
    // The parser admits known kinds only, each body as its publisher above wrote it; TypeScript cannot follow kind to body.
    for (const listener of listeners[kind] as Set<(payload: unknown) => void>) safely(listener, body);
  };
  const reconnected = () => {
    for (const listener of reconnectListeners) safely(listener, undefined);
  };
  const stop = options.databaseUrl
    ? await listenPostgres(options.databaseUrl, deliver, reconnected, options.logger)
    : await listenPglite(options.orm, deliver);
  const register = <T>(set: Set<T>, listener: T) => {
    set.add(listener);
    return () => void set.delete(listener);
  };
  return {
    subscribe: (listener) => register(listeners.status, listener),
    onRemoval: (listener) => register(listeners.removal, listener),
    onIdentityRevoked: (listener) => register(listeners.identity, listener),
    onProgress: (listener) => register(listeners.progress, listener),
    onWebhookDeliveries: (listener) => register(listeners.webhooks, listener),
    onAccountStatus: (listener) => register(listeners.account, listener),
    onProviderJobEnded: (listener) => register(listeners['provider-job'], listener),
    onReconnect: (listener) => register(reconnectListeners, listener),
    listenerCount: () => listeners.status.size,
    async close() {
      for (const set of Object.values(listeners)) set.clear();
      reconnectListeners.clear();
      await stop();
    },
  };
}

async function listenPostgres(
  url: string,
  deliver: (payload: string | undefined) => void,
  reconnected: () => void,
  logger: Logger,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const scheduleReconnect = () => {
    if (closed) return;
    retry = setTimeout(() => {
      connect().then(reconnected, (error: unknown) => {
        logger.error({ err: error }, 'status listener reconnect failed; retrying');
        scheduleReconnect();
      });
    }, 1_000);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => deliver(message.payload));
    // A dropped LISTEN connection is re-established so an instance never goes deaf.
    next.on('error', (error) => {
      void next.end().catch(() => undefined);
      if (closed || next !== client) return;
      logger.warn({ err: error }, 'status listener connection lost; reconnecting');
      scheduleReconnect();
    });
    await next.connect();
    await next.query(`listen ${CHANNEL}`);
    if (closed) {
      await next.end();
      return;
    }
    client = next;
  };
  await connect();
  return async () => {
    closed = true;
    clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

async function listenPglite(orm: Orm, deliver: (payload: string | undefined) => void): Promise<() => Promise<void>> {
  const connection = orm.em.getConnection() as unknown as {
    getNativeClient(): Promise<{
      listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>>;
    }>;
  };
  const native = await connection.getNativeClient();
  return native.listen(CHANNEL, deliver);
}

function parseMessage(payload: string | undefined): BusMessage | undefined {
  if (!payload) return undefined;
  try {
    const message = JSON.parse(payload) as BusMessage;
    if (message.kind === 'identity')
      return typeof message.externalUserId === 'string' && Number.isFinite(message.atMs) ? message : undefined;
    if (message.kind === 'provider-job')
      return message.provider === 'pyannote' && typeof message.jobId === 'string' ? message : undefined;
    if (message.kind === 'account') {
      return typeof message.userId === 'string' && typeof message.status === 'string' ? message : undefined;
    }
    return typeof message.userId === 'string' &&
      (message.kind === 'status' ||
        message.kind === 'removal' ||
        message.kind === 'progress' ||
        message.kind === 'webhooks')
      ? message
      : undefined;
  } catch {
    return undefined;
  }
}
