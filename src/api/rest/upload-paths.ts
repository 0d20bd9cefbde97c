import type { ParameterObject, PathsObject, ReferenceObject, SchemaObject } from 'openapi3-ts/oas31';

/**
 * OpenAPI entries of the two streamed multipart routes, which are not tRPC
 * procedures (trpc-to-openapi has no multipart support).
 */
const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } });
function multipartBody(properties: Record<string, SchemaObject | ReferenceObject>, encoding?: Record<string, { contentType: string }>) {
  return {
    required: true,
    content: { 'multipart/form-data': { schema: { type: 'object' as const, required: ['file'], properties }, ...(encoding ? { encoding } : {}) } },
  };
}

const idempotencyKey: ParameterObject = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' }, description: 'Replays the original answer to a retry for 24 h' };

export const UPLOAD_PATHS: PathsObject = {
  '/calls/analyze': {
    post: {
      operationId: 'calls-analyze',
      summary: 'Submit a recording; it is streamed to storage and processed asynchronously',
      tags: ['calls'],
      security: [{ firebase: [] }],
      parameters: [idempotencyKey],
      requestBody: multipartBody(
        {
          file: { type: 'string', format: 'binary', description: 'm4a, mp3, wav, aac or ogg (decided from the bytes); at most MAX_FILE_SIZE' },
          metadata: { $ref: '#/components/schemas/UploadMetadata' },
          title: { type: 'string', description: 'Used when metadata has no title' },
        },
        { metadata: { contentType: 'application/json' } },
      ),
      responses: {
        202: { description: 'Accepted', content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmitCallResult' } } } },
        400: error('validation_failed: missing file, malformed metadata JSON, unknown direction, bad recordedAt'),
        401: error('auth_missing / auth_invalid'),
        403: error('auth_disabled'),
        409: error('idempotency_key_reused'),
        413: error('payload_too_large'),
        415: error('unsupported_media_type'),
      },
    },
  },
  '/users/me/voice-profile': {
    post: {
      operationId: 'voice-enrol',
      summary: 'Create or replace the voice profile (sample checked while streaming, never stored)',
      tags: ['voice'],
      security: [{ firebase: [] }],
      parameters: [idempotencyKey],
      requestBody: multipartBody({
        file: { type: 'string', format: 'binary', description: 'WAV, MP3 or M4A, 15–45 s, at most 10 MB' },
        consentAccepted: { type: 'string', enum: ['true'], description: 'Optional; when present it must be true' },
      }),
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/VoiceProfile' } } } },
        400: error('voice_sample_too_short / voice_sample_too_long / consent_required / validation_failed'),
        404: error('feature_not_available'),
        413: error('voice_sample_too_large'),
        415: error('unsupported_media_type'),
        502: error('voice_provider_error'),
      },
    },
  },
};
