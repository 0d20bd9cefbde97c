import { z } from 'zod';
import { voiceProfileStatusSchema } from '../../../voice/voice-schemas.ts';
import { authedProcedure } from '../trpc.ts';

export const getVoiceProfileStatus = authedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/users/me/voice-profile/status',
      tags: ['voice'],
      summary: 'ACTIVE with its details, or {status: MISSING}',
      errorResponses: { 404: 'feature_not_available (voice embedding disabled)' },
    },
  })
  .input(z.void())
  .output(voiceProfileStatusSchema)
  .query(({ ctx }) => ctx.services.voice.status(ctx.user.id));
