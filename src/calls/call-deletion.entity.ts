import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A deleted call whose clean-up has not finished. No foreign keys: the call
 * and even its user are gone by the time this is read.
 */
export const CallDeletion = defineEntity({
  name: 'CallDeletion',
  tableName: 'call_deletions',
  indexes: [{ name: 'call_deletions_requested_idx', properties: ['requestedAt'] }],
  properties: {
    callId: p.uuid().primary(),
    userId: p.uuid(),
    requestedAt: p.datetime(),
  },
});

export type CallDeletion = InferEntity<typeof CallDeletion>;
