import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const ACCOUNT_STATUSES = ['ACTIVE', 'SUSPENDED', 'DISABLED'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
export const PLANS = ['FREE', 'PRO'] as const;

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    externalUserId: p.text().unique(),
    email: p.text().nullable(),
    displayName: p.text().nullable(),
    photoUrl: p.text().nullable(),
    fcmToken: p.text().nullable(),
    privacyPolicyVersion: p.text().nullable(),
    privacyPolicyAcceptedAt: p.datetime().nullable(),
    termsVersion: p.text().nullable(),
    termsAcceptedAt: p.datetime().nullable(),
    callRecordingDisclaimerVersion: p.text().nullable(),
    callRecordingDisclaimerAcceptedAt: p.datetime().nullable(),
    marketingOptIn: p.boolean().default(false),
    marketingOptInAt: p.datetime().nullable(),
    plan: p.enum(PLANS).columnType('text').default('FREE'),
    plansIntroShownAt: p.datetime().nullable(),
    accountStatus: p.enum(ACCOUNT_STATUSES).columnType('text').default('ACTIVE'),
    accountStatusReason: p.text().nullable(),
    lastLoginAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type User = InferEntity<typeof User>;
