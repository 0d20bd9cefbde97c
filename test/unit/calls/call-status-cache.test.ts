import { describe, expect, it } from 'vitest';
import { createCallStatusCache } from '../../../src/calls/call-status-cache.ts';
import type { CallStatus } from '../../../src/calls/call-record.entity.ts';
import type { CallRemoval, CallStatusBus, CallStatusEvent } from '../../../src/events/call-status-bus.ts';

/** A bus whose deliveries the test drives by hand (the real one needs a database; integration tests use it). */
function manualBus() {
  const status = new Set<(event: CallStatusEvent) => void>();
  const removal = new Set<(removal: CallRemoval) => void>();
  const reconnect = new Set<() => void>();
  const bus: CallStatusBus = {
    subscribe: (listener) => (status.add(listener), () => void status.delete(listener)),
    onRemoval: (listener) => (removal.add(listener), () => void removal.delete(listener)),
    onReconnect: (listener) => (reconnect.add(listener), () => void reconnect.delete(listener)),
    onIdentityRevoked: () => () => undefined,
    onProgress: () => () => undefined,
    onWebhookDeliveries: () => () => undefined,
    onAccountStatus: () => () => undefined,
    onProviderJobEnded: () => () => undefined,
    close: async () => undefined,
  };
  return {
    bus,
    emit: (event: Partial<CallStatusEvent> & { callId: string; userId: string; status: CallStatus }) =>
      status.forEach((listener) => listener({ errorReason: null, occurredAt: '', ...event })),
    remove: (value: CallRemoval) => removal.forEach((listener) => listener(value)),
    reconnect: () => reconnect.forEach((listener) => listener()),
  };
}

function setup() {
  const db = new Map<string, { userId: string; status: CallStatus }>([
    ['c1', { userId: 'u1', status: 'QUEUED' }],
    ['c2', { userId: 'u1', status: 'COMPLETED' }],
    ['c3', { userId: 'u2', status: 'QUEUED' }],
  ]);
  const loads: string[][] = [];
  let clock = 0;
  const { bus, emit, remove, reconnect } = manualBus();
  const cache = createCallStatusCache({
    bus,
    now: () => clock,
    inFlightTtlMs: 1_000,
    terminalTtlMs: 60_000,
    load: async (ids) => {
      loads.push(ids);
      return ids.flatMap((id) => (db.has(id) ? [{ id, ...db.get(id)! }] : []));
    },
  });
  /** A poll's answer as callId → status, in the order given. */
  const statuses = async (userId: string, callIds: string[]) =>
    Object.fromEntries((await cache.poll(userId, callIds)).map((item) => [item.callId, item.status]));
  return { cache, statuses, db, loads, emit, remove, reconnect, tick: (ms: number) => (clock += ms) };
}

describe('the call status cache', () => {
  it("answers only the caller's calls and omits foreign and unknown ids", async () => {
    const { statuses } = setup();
    expect(await statuses('u1', ['c1', 'c2', 'c3', 'nope'])).toEqual({ c1: 'QUEUED', c2: 'COMPLETED' });
  });

  it('answers in request order, each id once, cold or warm', async () => {
    const { cache } = setup();
    for (let round = 0; round < 2; round += 1) {
      expect(await cache.poll('u1', ['c2', 'c1', 'c2', 'c3', 'c1'])).toEqual([
        { callId: 'c2', status: 'COMPLETED' },
        { callId: 'c1', status: 'QUEUED' },
      ]);
    }
  });

  it('serves repeated polls from memory until an entry expires', async () => {
    const { statuses, loads, tick } = setup();
    await statuses('u1', ['c1', 'c2']);
    await statuses('u1', ['c1', 'c2']);
    expect(loads).toEqual([['c1', 'c2']]);
    tick(1_500);
    await statuses('u1', ['c1', 'c2']);
    expect(loads.at(-1)).toEqual(['c1']);
  });

  it('remembers ids with no call for the in-flight TTL instead of asking on every poll', async () => {
    const { statuses, db, loads, tick } = setup();
    expect(await statuses('u1', ['c1', 'gone'])).toEqual({ c1: 'QUEUED' });
    expect(await statuses('u1', ['c1', 'gone'])).toEqual({ c1: 'QUEUED' });
    expect(loads).toEqual([['c1', 'gone']]);
    db.set('gone', { userId: 'u1', status: 'QUEUED' });
    tick(1_500);
    expect(await statuses('u1', ['gone'])).toEqual({ gone: 'QUEUED' });
  });

  it('takes status changes from the bus without a database read', async () => {
    const { statuses, loads, emit } = setup();
    await statuses('u1', ['c1']);
    emit({ callId: 'c1', userId: 'u1', status: 'ANALYZING' });
    expect(await statuses('u1', ['c1'])).toEqual({ c1: 'ANALYZING' });
    expect(loads).toHaveLength(1);
  });

  it('forgets a deleted call and every call of a deleted account', async () => {
    const { statuses, db, remove } = setup();
    await statuses('u1', ['c1', 'c2']);
    db.delete('c1');
    remove({ callId: 'c1', userId: 'u1' });
    expect(await statuses('u1', ['c1', 'c2'])).toEqual({ c2: 'COMPLETED' });
    db.delete('c2');
    remove({ userId: 'u1' });
    expect(await statuses('u1', ['c2'])).toEqual({});
  });

  it('drops everything when the listener reconnected and may have missed events', async () => {
    const { statuses, db, reconnect } = setup();
    await statuses('u1', ['c2']);
    db.set('c2', { userId: 'u1', status: 'FAILED' });
    reconnect();
    expect(await statuses('u1', ['c2'])).toEqual({ c2: 'FAILED' });
  });
});
