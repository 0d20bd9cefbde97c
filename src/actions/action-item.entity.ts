import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CallRecord } from '../calls/call-record.entity.ts';
import { ROLES } from '../transcripts/transcript-document.ts';
import { User } from '../users/user.entity.ts';

export const ACTION_STATUSES = ['OPEN', 'IN_PROGRESS', 'DONE', 'DISMISSED'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH'] as const;
export const ACTION_SOURCES = ['AI', 'MANUAL'] as const;

export const ActionItem = defineEntity({
  name: 'ActionItem',
  tableName: 'action_items',
  indexes: [
    {
      name: 'action_items_user_created_idx',
      expression:
        'create index "action_items_user_created_idx" on "action_items" ("user_id", "created_at" desc, "id" desc)',
    },
    { name: 'action_items_call_created_idx', properties: ['callRecord', 'createdAt'] },
    // The period summary counts a user's items by when their calls were recorded.
    { name: 'action_items_user_call_recorded_idx', properties: ['user', 'callRecordedAt'] },
  ],
  properties: {
    id: p.uuid().primary(),
    user: () => p.manyToOne(User).mapToPk().deleteRule('cascade').fieldName('user_id'),
    callRecord: () => p.manyToOne(CallRecord).mapToPk().deleteRule('cascade').fieldName('call_record_id'),
    title: p.text(),
    description: p.text().nullable(),
    dueDate: p.date().nullable(),
    status: p.enum(ACTION_STATUSES).columnType('text').default('OPEN'),
    priority: p.enum(ACTION_PRIORITIES).columnType('text').nullable(),
    source: p.enum(ACTION_SOURCES).columnType('text').nullable(),
    intent: p.text().nullable(),
    intentMetadata: p.json<Record<string, unknown>>().nullable().fieldName('intent_metadata_json'),
    ownerSpeakerId: p.text().nullable(),
    ownerSpeakerLabel: p.text().nullable(),
    ownerDisplayName: p.text().nullable(),
    ownerRole: p.enum(ROLES).columnType('text').nullable(),
    sourceSegmentIds: p.json<string[]>().fieldName('source_segment_ids_json').default('[]'),
    sourceText: p.text().nullable(),
    completedAt: p.datetime().nullable(),
    /** When the item's call was recorded, copied by a trigger on insert (see its migration) for the period summary. */
    callRecordedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type ActionItem = InferEntity<typeof ActionItem>;
