import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { OUTCOMES, SENTIMENTS } from '../analysis/analysis-schema.ts';
import { User } from '../users/user.entity.ts';

export const CALL_STATUSES = ['QUEUED', 'TRANSCRIBING', 'ANALYZING', 'COMPLETED', 'FAILED'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const CALL_DIRECTIONS = ['INCOMING', 'OUTGOING', 'UNKNOWN'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const CallRecord = defineEntity({
  name: 'CallRecord',
  tableName: 'call_records',
  indexes: [
    // A user's calls, newest first, with id as the keyset tie-breaker.
    {
      name: 'call_records_user_created_idx',
      expression:
        'create index "call_records_user_created_idx" on "call_records" ("user_id", "created_at" desc, "id" desc)',
    },
    // The list by recording time, either direction.
    {
      name: 'call_records_user_recorded_idx',
      expression:
        'create index "call_records_user_recorded_idx" on "call_records" ("user_id", "recorded_at" desc, "id" desc)',
    },
    // The stale-call sweeper scans non-terminal calls by age.
    { name: 'call_records_status_updated_idx', properties: ['status', 'updatedAt'] },
  ],
  properties: {
    id: p.uuid().primary(),
    user: () => p.manyToOne(User).mapToPk().deleteRule('cascade').fieldName('user_id'),
    title: p.text().nullable(),
    contactName: p.text().nullable(),
    contactId: p.text().nullable(),
    phoneNumber: p.text().nullable(),
    organization: p.text().nullable(),
    direction: p.enum(CALL_DIRECTIONS).columnType('text').default('UNKNOWN'),
    recordedAt: p.datetime(),
    durationSeconds: p.double().nullable(),
    status: p.enum(CALL_STATUSES).columnType('text').default('QUEUED'),
    errorReason: p.text().nullable(),
    audioFormat: p.text().nullable(),
    audioByteSize: p.bigint('number').nullable(),
    workflowId: p.text().nullable(),
    notes: p.text().nullable(),
    /** The analysis's overall sentiment and outcome, for the list's filters and facets; null until analysed. */
    sentiment: p.enum(SENTIMENTS).columnType('text').nullable(),
    outcome: p.enum(OUTCOMES).columnType('text').nullable(),
    /** What the providers billed for the call (the sum of its provider_usage rows), for summaries. */
    costUsd: p.double().default(0),
    completedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type CallRecord = InferEntity<typeof CallRecord>;
