import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../../../src/events/call-events.ts';
import { deliveriesOf } from '../../../src/webhooks/webhook-fanout.ts';
import { webhookEventsOf } from '../../../src/webhooks/webhook-events.ts';
import type { ListeningEndpoint } from '../../../src/webhooks/webhook-endpoint-queries.ts';

const at = new Date('2026-12-07T10:00:00.123Z');
const base = { txid: '10', seq: 1, userId: 'u1', callId: 'c1', occurredAt: at };

function event(kind: CallEvent['kind'], data: Record<string, unknown>): CallEvent {
  return { ...base, kind, data } as CallEvent;
}

describe('webhook payloads, made of call events', () => {
  it('a new call is a status change from nothing', () => {
    expect(
      webhookEventsOf(event('call.status', { status: 'QUEUED', previousStatus: null, errorReason: null })),
    ).toEqual([{ type: 'call.status_changed', data: { callId: 'c1', status: 'QUEUED', previousStatus: null } }]);
  });

  it('COMPLETED is also call.completed, and FAILED call.failed with its reason', () => {
    const completed = event('call.status', { status: 'COMPLETED', previousStatus: 'ANALYZING', errorReason: null });
    expect(webhookEventsOf(completed)).toEqual([
      { type: 'call.status_changed', data: { callId: 'c1', status: 'COMPLETED', previousStatus: 'ANALYZING' } },
      { type: 'call.completed', data: { callId: 'c1', status: 'COMPLETED' } },
    ]);
    const failed = event('call.status', {
      status: 'FAILED',
      previousStatus: 'QUEUED',
      errorReason: 'pipeline_stalled',
    });
    expect(webhookEventsOf(failed)).toEqual([
      { type: 'call.status_changed', data: { callId: 'c1', status: 'FAILED', previousStatus: 'QUEUED' } },
      { type: 'call.failed', data: { callId: 'c1', status: 'FAILED', errorReason: 'pipeline_stalled' } },
    ]);
  });

  it('a deletion carries the call id only; items carry their id, call and status', () => {
    expect(webhookEventsOf(event('call.deleted', {}))).toEqual([{ type: 'call.deleted', data: { callId: 'c1' } }]);
    expect(webhookEventsOf(event('action_item.created', { id: 'a1', status: 'OPEN' }))).toEqual([
      { type: 'action_item.created', data: { actionItemId: 'a1', callId: 'c1', status: 'OPEN' } },
    ]);
    expect(webhookEventsOf(event('action_item.updated', { id: 'a1', status: 'DONE' }))).toEqual([
      { type: 'action_item.updated', data: { actionItemId: 'a1', callId: 'c1', status: 'DONE' } },
    ]);
  });

  it('progress, other changes of a call and deleted items make no webhook', () => {
    expect(webhookEventsOf(event('call.progress', { stage: 'DIARIZED', state: 'STARTED' }))).toEqual([]);
    expect(webhookEventsOf(event('call.updated', {}))).toEqual([]);
    expect(webhookEventsOf(event('action_item.deleted', { id: 'a1', status: 'OPEN' }))).toEqual([]);
  });
});

describe('deliveries of call events', () => {
  const endpoint = (id: string, userId: string, eventTypes: string[], createdAt = new Date(0)): ListeningEndpoint => ({
    id,
    userId,
    eventTypes,
    createdAt,
  });

  it("go to each of the user's endpoints that asked for the type, stamped with when the event happened", () => {
    const completed = event('call.status', { status: 'COMPLETED', previousStatus: 'ANALYZING', errorReason: null });
    const deliveries = deliveriesOf(
      [completed],
      [
        endpoint('e-all', 'u1', ['call.status_changed', 'call.completed']),
        endpoint('e-done', 'u1', ['call.completed']),
        endpoint('e-items', 'u1', ['action_item.created']),
        endpoint('e-other-user', 'u2', ['call.completed']),
      ],
    );
    expect(deliveries.map((delivery) => [delivery.endpointId, delivery.payload.type])).toEqual([
      ['e-all', 'call.status_changed'],
      ['e-all', 'call.completed'],
      ['e-done', 'call.completed'],
    ]);
    expect(deliveries[0]).toEqual({
      endpointId: 'e-all',
      userId: 'u1',
      callId: 'c1',
      payload: {
        type: 'call.status_changed',
        timestamp: '2026-12-07T10:00:00.123Z',
        data: { callId: 'c1', status: 'COMPLETED', previousStatus: 'ANALYZING' },
      },
    });
  });

  it('skip an endpoint made after the event happened', () => {
    const deleted = event('call.deleted', {});
    const later = new Date(at.getTime() + 1);
    expect(deliveriesOf([deleted], [endpoint('e-late', 'u1', ['call.deleted'], later)])).toEqual([]);
  });
});
