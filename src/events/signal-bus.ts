import pg from 'pg';
import type { Em, Orm } from '../db/orm.ts';
import type { Logger } from '../observability/logger.ts';
import type { CallEventKind } from './call-events.ts';

/**
 * The call event log grew: read it. Sent by the log's own trigger on every
 * append, when the appending transaction commits; it names what was
 * appended, so a reader can tell whether it cares, and carries no event.
 */
export interface CallEventsAppended {
  userId: string;
  callId: string;
  event: CallEventKind;
  /** The appending transaction: readers read until the log's horizon has passed it. */
  txid: string;
}

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

/**
 * Small signals between every API and worker process, over PostgreSQL's
 * NOTIFY: wake-ups (the call event log grew, webhook deliveries were queued,
 * a provider's job ended) and identity revocations (sign-out everywhere,
 * account deletion, an account's status). None carries an event: what
 * happened is read from the database.
 */
export interface SignalBus {
  onCallEvents(listener: (appended: CallEventsAppended) => void): () => void;
  /** Webhook deliveries of the user were queued outside the log's fan-out (a test event). */
  onDeliveriesQueued(listener: (queued: { userId: string }) => void): () => void;
  onIdentityRevoked(listener: (revocation: IdentityRevocation) => void): () => void;
  onAccountStatus(listener: (change: AccountStatusChange) => void): () => void;
  onProviderJobEnded(listener: (ended: ProviderJobEnded) => void): () => void;
  /** Fires when the listening connection was re-established: signals may have been missed. */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'scryon_signals';

/** Announces a revocation; inside a transaction it is delivered when that commits, outside one at once. */
export async function publishIdentityRevocation(em: Em, revocation: IdentityRevocation): Promise<void> {
  await notify(em, { kind: 'identity', ...revocation });
}

/**
 * Announces webhook deliveries queued by code rather than by the
 * log's fan-out (a test event), when the transaction commits.
 */
export async function publishDeliveriesQueued(em: Em, userId: string): Promise<void> {
  await notify(em, { kind: 'deliveries', userId });
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
  log: CallEventsAppended;
  deliveries: { userId: string };
  identity: IdentityRevocation;
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
export async function createSignalBus(options: {
  orm: Orm;
  databaseUrl: string | undefined;
  logger: Logger;
}): Promise<SignalBus> {
  const listeners: BusListeners = {
    log: new Set(),
    deliveries: new Set(),
    identity: new Set(),
    account: new Set(),
    'provider-job': new Set(),
  };
  const reconnectListeners = new Set<() => void>();
  const safely = <T>(fn: (value: T) => void, value: T) => {
    try {
      fn(value);
    } catch (error) {
      options.logger.warn({ err: error }, 'signal listener failed');
    }
  };
  const deliver = (payload: string | undefined) => {
    const message = parseMessage(payload);
    if (!message) return;
    const { kind, ...body } = message;
    // The parser admits known kinds only, each body as its publisher
    // above wrote it; TypeScript cannot follow kind to body.
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
    onCallEvents: (listener) => register(listeners.log, listener),
    onDeliveriesQueued: (listener) => register(listeners.deliveries, listener),
    onIdentityRevoked: (listener) => register(listeners.identity, listener),
    onAccountStatus: (listener) => register(listeners.account, listener),
    onProviderJobEnded: (listener) => register(listeners['provider-job'], listener),
    onReconnect: (listener) => register(reconnectListeners, listener),
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
        logger.error({ err: error }, 'signal listener reconnect failed; retrying');
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
      logger.warn({ err: error }, 'signal listener connection lost; reconnecting');
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
    switch (message.kind) {
      case 'log':
        return isText(message.userId) && isText(message.callId) && isText(message.event) && isText(message.txid)
          ? message
          : undefined;
      case 'identity':
        return isText(message.externalUserId) && Number.isFinite(message.atMs) ? message : undefined;
      case 'provider-job':
        return message.provider === 'pyannote' && isText(message.jobId) ? message : undefined;
      case 'account':
        return isText(message.userId) && isText(message.status) ? message : undefined;
      case 'deliveries':
        return isText(message.userId) ? message : undefined;
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

const isText = (value: unknown): value is string => typeof value === 'string';
