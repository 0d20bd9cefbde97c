import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.ts';
import { AppError } from '../../errors/app-error.ts';
import type { VoiceService } from '../../voice/voice-service.ts';
import { authenticateRequest } from '../http/server.ts';
import { acceptRawMultipart, drain, parseMultipart } from './multipart.ts';

export interface VoiceRouteDeps {
  authenticator: Authenticator;
  voice: VoiceService;
  maxSizeBytes: number;
}

/** POST /api/users/me/voice-profile: the sample is streamed and checked, never stored. */
export function registerVoiceProfileRoute(app: FastifyInstance, deps: VoiceRouteDeps): void {
  acceptRawMultipart(app);
  app.post('/api/users/me/voice-profile', async (request, reply) => {
    const user = await authenticateRequest(request, deps.authenticator);
    deps.voice.assertEnabled();
    if (!request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')) {
      throw new AppError('validation_failed', 'Send the sample as multipart/form-data', { fields: { file: 'required' } });
    }
    const enrolment = await deps.voice.beginEnrolment(user.id);
    try {
      let consentAccepted: string | undefined;
      await parseMultipart(
        request,
        deps.maxSizeBytes,
        {
          onField: (name, value) => {
            if (name === 'consentAccepted') consentAccepted = value;
          },
          onFile: (name, stream) => (name === 'file' ? enrolment.receiveSample(stream) : drain(stream)),
        },
        () => new AppError('voice_sample_too_large'),
      );
      const profile = await enrolment.finish(consentAccepted);
      return reply.status(201).type('application/json; charset=utf-8').send(JSON.stringify(profile));
    } finally {
      await enrolment.dispose();
    }
  });
}
