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

export interface CallStatusBus {
  subscribe(listener: CallStatusListener): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'scryon_call_status';

/**
 * Queues the event inside the caller's transaction: PostgreSQL (and PGlite)
 * deliver a NOTIFY only when that transaction commits, so subscribers never
 * see a status the database does not have.
 */
export async function publishCallStatus(em: Em, event: CallStatusEvent): Promise<void> {
  await em.getConnection().execute(`select pg_notify(?, ?)`, [CHANNEL, JSON.stringify(event)], 'all', em.getTransactionContext());
}

/**
 * Listens on the database channel, so an event published by any worker or API
 * instance reaches subscribers on every instance without another service.
 */
export async function createCallStatusBus(options: { orm: Orm; databaseUrl: string | undefined; logger: Logger }): Promise<CallStatusBus> {
  const listeners = new Set<CallStatusListener>();
  const deliver = (payload: string | undefined) => {
    const event = parseEvent(payload);
    if (!event) return;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        options.logger.warn({ err: error }, 'call status listener failed');
      }
    }
  };
  const stop = options.databaseUrl ? await listenPostgres(options.databaseUrl, deliver, options.logger) : await listenPglite(options.orm, deliver);
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await stop();
    },
  };
}

async function listenPostgres(url: string, deliver: (payload: string | undefined) => void, logger: Logger): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let closed = false;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => deliver(message.payload));
    // A dropped LISTEN connection is re-established so an instance never goes deaf.
    next.on('error', (error) => {
      logger.warn({ err: error }, 'status listener connection lost; reconnecting');
      void next.end().catch(() => undefined);
      if (!closed) setTimeout(() => void connect().catch((e) => logger.error({ err: e }, 'status listener reconnect failed')), 1_000);
    });
    await next.connect();
    await next.query(`listen ${CHANNEL}`);
    client = next;
  };
  await connect();
  return async () => {
    closed = true;
    await client?.end();
  };
}

async function listenPglite(orm: Orm, deliver: (payload: string | undefined) => void): Promise<() => Promise<void>> {
  const connection = orm.em.getConnection() as unknown as { getNativeClient(): Promise<{ listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>> }> };
  const native = await connection.getNativeClient();
  return native.listen(CHANNEL, deliver);
}

function parseEvent(payload: string | undefined): CallStatusEvent | undefined {
  if (!payload) return undefined;
  try {
    const event = JSON.parse(payload) as CallStatusEvent;
    return typeof event.callId === 'string' && typeof event.userId === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}
