import { z } from 'zod';
import { voiceProfileStatusSchema } from '../../../voice/voice-schemas.ts';
import { defineQuery } from '../operation.ts';

export const getVoiceProfileStatus = defineQuery({
  rest: {
    method: 'GET',
    path: '/users/me/voice-profile/status',
    tags: ['voice'],
    summary: 'ACTIVE with its details, or {status: MISSING}',
    errorResponses: { 404: 'feature_not_available (voice embedding disabled)' },
  },
  input: z.void(),
  output: voiceProfileStatusSchema,
  handle: (ctx) => ctx.services.voice.status(ctx.user.id),
});
