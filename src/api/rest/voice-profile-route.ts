import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.ts';
import { AppError } from '../../errors/app-error.ts';
import type { VoiceService } from '../../voice/voice-service.ts';
import { authenticateRequest, headerValue } from '../http/server.ts';
import type { IdempotencyService } from '../../idempotency/idempotency-service.ts';
import {
  fingerprintMultipart,
  multipartFingerprint,
  runIdempotentUpload,
  sendStored,
  type MultipartOutcome,
} from '../uploads/idempotent-multipart.ts';
import { acceptRawMultipart, drain, parseMultipart } from '../uploads/multipart.ts';

export interface VoiceRouteDeps {
  authenticator: Authenticator;
  idempotency: IdempotencyService;
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
      throw new AppError('validation_failed', 'Send the sample as multipart/form-data', {
        fields: { file: 'required' },
      });
    }
    const response = await runIdempotentUpload({
      idempotency: deps.idempotency,
      userId: user.id,
      key: headerValue(request, 'idempotency-key')?.trim() || undefined,
      operation: OPERATION,
      run: () => enrol(request, deps, user.id),
      fingerprintOnly: () => fingerprintMultipart(request, OPERATION, deps.maxSizeBytes),
    });
    return sendStored(reply, response);
  });
}

const OPERATION = 'voice.enrol';

async function enrol(request: FastifyRequest, deps: VoiceRouteDeps, userId: string): Promise<MultipartOutcome> {
  const enrolment = await deps.voice.beginEnrolment(userId);
  try {
    const fields = new Map<string, string>();
    await parseMultipart(
      request,
      deps.maxSizeBytes,
      {
        onField: (name, value) => void fields.set(name, value),
        onFile: (name, stream) => (name === 'file' ? enrolment.receiveSample(stream) : drain(stream)),
      },
      () => new AppError('voice_sample_too_large'),
    );
    const profile = await enrolment.finish(fields.get('consentAccepted'));
    return { status: 201, body: profile, fingerprint: multipartFingerprint(OPERATION, fields, enrolment.sampleSha256) };
  } finally {
    await enrolment.dispose();
  }
}
