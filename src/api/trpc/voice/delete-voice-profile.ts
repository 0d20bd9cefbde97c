import { z } from 'zod';
import { idempotent } from '../idempotent.ts';
import { authedProcedure } from '../trpc.ts';

export const deleteVoiceProfile = authedProcedure
  .meta({
    openapi: { method: 'DELETE', path: '/users/me/voice-profile', tags: ['voice'], summary: 'Remove the voice profile; always 204, even with the feature off' },
    successStatus: 204,
  })
  .input(z.void())
  .output(z.void())
  .mutation(({ ctx }) => idempotent(ctx, 'voice.delete', null, () => ctx.services.voice.remove(ctx.user.id)));
