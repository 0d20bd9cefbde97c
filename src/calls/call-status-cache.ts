import type { SignalBus } from '../events/signal-bus.ts';
import type { CallStatus } from './call-record.entity.ts';
import { isTerminal } from './call-status.ts';

interface Entry {
  userId: string;
  status: CallStatus;
  expiresAt: number;
  /** The last poll that answered this call, so a poll naming it twice answers it once. */
  answeredBy: number;
}

const NO_CALL = Symbol('no call');

export interface PolledStatus {
  callId: string;
  status: CallStatus;
}

export interface CallStatusCacheOptions {
  bus: Pick<SignalBus, 'onCallEvents' | 'onReconnect'>;
  /** Reads the given calls' owners and statuses from the database. */
  load(callIds: string[]): Promise<Array<{ id: string; userId: string; status: CallStatus }>>;
  maxEntries?: number;
  inFlightTtlMs?: number;
  terminalTtlMs?: number;
  now?: () => number;
}

/**
 * Call statuses for bulk polling: an entry is forgotten when the call event
 * log says its call's status changed or it was deleted (the log's wake-up,
 * from every instance), and read again on the next poll. Entries
 * also expire — quickly while a call is in flight, slowly once it is settled —
 * so even a missed notification only delays the truth by that TTL. Ids with
 * no call are remembered for the in-flight TTL too: a client polling calls it
 * has since deleted would otherwise cost a query on every poll. (A new call's
 * id is made at submission, so nobody can poll it before it exists.)
 */
export function createCallStatusCache(options: CallStatusCacheOptions) {
  const entries = new Map<string, Entry>();
  /** Ids the database had no call for, until when that answer stands. */
  const absent = new Map<string, number>();
  /** Loads under way, so a burst of polls for the same calls costs one query. */
  const loading = new Map<string, Promise<void>>();
  const maxEntries = options.maxEntries ?? 100_000;
  const inFlightTtl = options.inFlightTtlMs ?? 5_000;
  const terminalTtl = options.terminalTtlMs ?? 60_000;
  const now = options.now ?? Date.now;

  function remember(callId: string, userId: string, status: CallStatus): void {
    entries.delete(callId);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(callId, {
      userId,
      status,
      expiresAt: now() + (isTerminal(status) ? terminalTtl : inFlightTtl),
      answeredBy: 0,
    });
  }

  const unsubscribers = [
    options.bus.onCallEvents((appended) => {
      if (appended.event === 'call.status' || appended.event === 'call.deleted') entries.delete(appended.callId);
    }),
    options.bus.onReconnect(() => {
      entries.clear();
      absent.clear();
    }),
  ];

  function rememberAbsent(callIds: string[]): void {
    if (absent.size + callIds.length > maxEntries) absent.clear();
    const until = now() + inFlightTtl;
    for (const callId of callIds) {
      entries.delete(callId);
      absent.set(callId, until);
    }
  }

  async function loadOnce(callIds: string[]): Promise<void> {
    const toLoad = callIds.filter((callId) => !loading.has(callId));
    if (toLoad.length > 0) {
      const load = options.load(toLoad).then((rows) => {
        for (const row of rows) remember(row.id, row.userId, row.status);
        const loaded = new Set(rows.map((row) => row.id));
        rememberAbsent(toLoad.filter((callId) => !loaded.has(callId)));
      });
      const settled = load.finally(() => {
        for (const callId of toLoad) if (loading.get(callId) === settled) loading.delete(callId);
      });
      for (const callId of toLoad) loading.set(callId, settled);
    }
    await Promise.all(callIds.map((callId) => loading.get(callId)));
  }

  /**
   * For `callIds`, position by position: a fresh entry, NO_CALL when there is
   * known to be none, or undefined to load.
   */
  function lookUp(callIds: readonly string[]): Array<Entry | typeof NO_CALL | undefined> {
    const at = now();
    return callIds.map((callId) => {
      const entry = entries.get(callId);
      if (entry && entry.expiresAt > at) return entry;
      return (absent.get(callId) ?? 0) > at ? NO_CALL : undefined;
    });
  }

  let polls = 0;

  return {
    /**
     * The caller's calls among `callIds` with their statuses: request order,
     * each id once, foreign and unknown ids absent. One map lookup per id when
     * the cache is warm; a repeated id is recognised by a mark on its entry,
     * because building maps to filter and de-duplicate a poll cost more than
     * the lookups themselves.
     */
    async poll(userId: string, callIds: readonly string[]): Promise<PolledStatus[]> {
      let found = lookUp(callIds);
      const missing = callIds.filter((_, index) => found[index] === undefined);
      if (missing.length > 0) {
        await loadOnce(missing);
        found = lookUp(callIds);
      }
      const poll = ++polls;
      const answered: PolledStatus[] = [];
      found.forEach((entry, index) => {
        if (entry === NO_CALL || entry?.userId !== userId || entry.answeredBy === poll) return;
        entry.answeredBy = poll;
        answered.push({ callId: callIds[index]!, status: entry.status });
      });
      return answered;
    },

    close(): void {
      for (const unsubscribe of unsubscribers) unsubscribe();
      entries.clear();
      absent.clear();
    },
  };
}

export type CallStatusCache = ReturnType<typeof createCallStatusCache>;
