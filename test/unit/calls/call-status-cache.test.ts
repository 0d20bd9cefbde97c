import { describe, expect, it } from 'vitest';
import { createCallStatusCache } from '../../../src/calls/call-status-cache.ts';
import type { CallStatus } from '../../../src/calls/call-record.entity.ts';
import type { CallEventKind } from '../../../src/events/call-events.ts';
import type { SignalBus } from '../../../src/events/signal-bus.ts';

/** A bus whose wake-ups the test drives by hand (the real one needs a database; integration tests use it). */
function manualBus() {
  const appended = new Set<Parameters<SignalBus['onCallEvents']>[0]>();
  const reconnect = new Set<() => void>();
  const bus: Pick<SignalBus, 'onCallEvents' | 'onReconnect'> = {
    onCallEvents: (listener) => (appended.add(listener), () => void appended.delete(listener)),
    onReconnect: (listener) => (reconnect.add(listener), () => void reconnect.delete(listener)),
  };
  return {
    bus,
    wake: (callId: string, event: CallEventKind) =>
      appended.forEach((listener) => listener({ userId: 'u1', callId, event, txid: '1' })),
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
  const { bus, wake, reconnect } = manualBus();
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
  return { cache, statuses, db, loads, wake, reconnect, tick: (ms: number) => (clock += ms) };
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

  it('reads a call again after the log says its status changed, and only that call', async () => {
    const { statuses, db, loads, wake } = setup();
    await statuses('u1', ['c1', 'c2']);
    db.set('c1', { userId: 'u1', status: 'ANALYZING' });
    wake('c1', 'call.progress');
    wake('c2', 'call.updated');
    expect(await statuses('u1', ['c1', 'c2'])).toEqual({ c1: 'QUEUED', c2: 'COMPLETED' });
    wake('c1', 'call.status');
    expect(await statuses('u1', ['c1', 'c2'])).toEqual({ c1: 'ANALYZING', c2: 'COMPLETED' });
    expect(loads).toEqual([['c1', 'c2'], ['c1']]);
  });

  it('forgets a deleted call', async () => {
    const { statuses, db, wake } = setup();
    await statuses('u1', ['c1', 'c2']);
    db.delete('c1');
    wake('c1', 'call.deleted');
    expect(await statuses('u1', ['c1', 'c2'])).toEqual({ c2: 'COMPLETED' });
  });

  it('drops everything when the listener reconnected and may have missed events', async () => {
    const { statuses, db, reconnect } = setup();
    await statuses('u1', ['c2']);
    db.set('c2', { userId: 'u1', status: 'FAILED' });
    reconnect();
    expect(await statuses('u1', ['c2'])).toEqual({ c2: 'FAILED' });
  });
});
