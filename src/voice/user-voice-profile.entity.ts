import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from '../users/user.entity.ts';

/** At most one per user (`user_id` unique): a new sample replaces it in place. */
export const UserVoiceProfile = defineEntity({
  name: 'UserVoiceProfile',
  tableName: 'user_voice_profiles',
  properties: {
    id: p.uuid().primary(),
    user: () =>
      p.manyToOne(User).mapToPk().deleteRule('cascade').fieldName('user_id').unique('user_voice_profiles_user_unique'),
    provider: p.text(),
    model: p.text().nullable(),
    modelVersion: p.text().nullable(),
    // Opaque provider voiceprint; never returned to clients.
    embedding: p.json<Record<string, unknown>>().fieldName('embedding_json'),
    consentVersion: p.text(),
    sampleDurationSeconds: p.double(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type UserVoiceProfile = InferEntity<typeof UserVoiceProfile>;
