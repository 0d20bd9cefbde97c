import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from '../users/user.entity.ts';

/**
 * A stored response per (user, Idempotency-Key). A row with a null
 * `responseStatus` is a request still in flight: the unique key is what makes
 * two concurrent requests with one key create exactly one call.
 */
export const IdempotencyKey = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_keys',
  uniques: [{ name: 'idempotency_keys_user_key_unique', properties: ['user', 'key'] }],
  indexes: [{ name: 'idempotency_keys_expires_idx', properties: ['expiresAt'] }],
  properties: {
    id: p.uuid().primary(),
    user: () => p.manyToOne(User).mapToPk().deleteRule('cascade').fieldName('user_id'),
    key: p.text(),
    operation: p.text(),
    requestHash: p.text(),
    responseStatus: p.integer().nullable(),
    responseBody: p.json<unknown>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
  },
});

export type IdempotencyKey = InferEntity<typeof IdempotencyKey>;
