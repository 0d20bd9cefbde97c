import { z } from 'zod';

export const voiceProfileSchema = z
  .object({
    status: z.literal('ACTIVE'),
    provider: z.string(),
    consentVersion: z.string(),
    createdAt: z.iso.datetime(),
    sampleDurationSeconds: z.number(),
  })
  .meta({ id: 'VoiceProfile' });

export type VoiceProfileView = z.infer<typeof voiceProfileSchema>;

export const voiceProfileStatusSchema = z
  .union([voiceProfileSchema.omit({ sampleDurationSeconds: true }), z.object({ status: z.literal('MISSING') })])
  .meta({ id: 'VoiceProfileStatus' });

export type VoiceProfileStatus = z.infer<typeof voiceProfileStatusSchema>;
