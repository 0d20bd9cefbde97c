import { z } from 'zod';
import { defineMutation } from '../operation.ts';

export const deleteVoiceProfile = defineMutation({
  rest: {
    method: 'DELETE',
    path: '/users/me/voice-profile',
    tags: ['voice'],
    summary: 'Remove the voice profile; always 204, even with the feature off',
    successStatus: 204,
  },
  idempotencyName: 'voice.delete',
  input: z.void(),
  output: z.void(),
  handle: (ctx) => ctx.services.voice.remove(ctx.user.id),
});
