import { z } from 'zod';
import { uuidSchema } from '../ids/uuid.ts';
import { ACCOUNT_STATUSES, PLANS, type User } from './user.entity.ts';

const timestamp = z.iso.datetime();

/** `UserProfileResponse`: consent and plan fields are always present, null until set. */
export const userProfileSchema = z
  .object({
    id: uuidSchema,
    externalUserId: z.string(),
    email: z.string().nullable(),
    displayName: z.string().nullable(),
    photoUrl: z.string().nullable(),
    createdAt: timestamp,
    lastLoginAt: timestamp.nullable(),
    privacyPolicyVersion: z.string().nullable(),
    privacyPolicyAcceptedAt: timestamp.nullable(),
    termsVersion: z.string().nullable(),
    termsAcceptedAt: timestamp.nullable(),
    callRecordingDisclaimerVersion: z.string().nullable(),
    callRecordingDisclaimerAcceptedAt: timestamp.nullable(),
    marketingOptIn: z.boolean(),
    marketingOptInAt: timestamp.nullable(),
    plan: z.enum(PLANS),
    plansIntroShownAt: timestamp.nullable(),
    isAdmin: z.boolean(),
    accountStatus: z.enum(ACCOUNT_STATUSES),
    accountStatusReason: z.string().nullable(),
  })
  .meta({ id: 'UserProfile' });

export type UserProfile = z.infer<typeof userProfileSchema>;

export const updateProfileSchema = z
  .object({
    displayName: z.string().trim().min(1).max(100).nullable().optional(),
    fcmToken: z.string().trim().min(1).max(4096).nullable().optional(),
  })
  .strict()
  .meta({ id: 'UpdateProfileRequest' });

export type ProfileUpdate = z.infer<typeof updateProfileSchema>;

const iso = (value: Date | null | undefined) => (value ? value.toISOString() : null);

export function toUserProfile(user: User, isAdmin: boolean): UserProfile {
  return {
    id: user.id,
    externalUserId: user.externalUserId,
    email: user.email ?? null,
    displayName: user.displayName ?? null,
    photoUrl: user.photoUrl ?? null,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: iso(user.lastLoginAt),
    privacyPolicyVersion: user.privacyPolicyVersion ?? null,
    privacyPolicyAcceptedAt: iso(user.privacyPolicyAcceptedAt),
    termsVersion: user.termsVersion ?? null,
    termsAcceptedAt: iso(user.termsAcceptedAt),
    callRecordingDisclaimerVersion: user.callRecordingDisclaimerVersion ?? null,
    callRecordingDisclaimerAcceptedAt: iso(user.callRecordingDisclaimerAcceptedAt),
    marketingOptIn: user.marketingOptIn,
    marketingOptInAt: iso(user.marketingOptInAt),
    plan: user.plan,
    plansIntroShownAt: iso(user.plansIntroShownAt),
    isAdmin,
    accountStatus: user.accountStatus,
    accountStatusReason: user.accountStatusReason ?? null,
  };
}
