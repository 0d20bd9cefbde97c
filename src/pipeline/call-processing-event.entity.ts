import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CallRecord } from '../calls/call-record.entity.ts';
import { User } from '../users/user.entity.ts';

export const EVENT_STATUSES = ['STARTED', 'COMPLETED', 'FAILED', 'SKIPPED'] as const;

/** One row per pipeline stage transition; messages are sanitized before they get here. */
export const CallProcessingEvent = defineEntity({
  name: 'CallProcessingEvent',
  tableName: 'call_processing_events',
  indexes: [
    // A call's timeline and its live progress read its events in the order they happened.
    { name: 'call_processing_events_call_created_idx', properties: ['call', 'createdAt'] },
  ],
  properties: {
    id: p.uuid().primary(),
    call: () => p.manyToOne(CallRecord).mapToPk().deleteRule('cascade').fieldName('call_id').nullable(),
    user: () => p.manyToOne(User).mapToPk().deleteRule('cascade').fieldName('user_id'),
    stage: p.text(),
    status: p.enum(EVENT_STATUSES).columnType('text'),
    provider: p.text().nullable(),
    durationMs: p.integer().nullable(),
    errorCode: p.text().nullable(),
    errorMessage: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type CallProcessingEvent = InferEntity<typeof CallProcessingEvent>;
