import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { receivedUploadSchema, submitCallResultSchema, uploadMetadataSchema } from '../../calls/call-schemas.ts';
import { voiceProfileSchema } from '../../voice/voice-schemas.ts';
import { errorResponses, HOST_ERRORS, idempotencyKeyRef } from './openapi-operations.ts';
import { SHARED_ERRORS } from './openapi-responses.ts';

/**
 * OpenAPI entries of the three streamed routes, which are not
 * operations of src/api/operations (they read the body as a stream), in the
 * same terms: zod schemas, their own error codes, the shared errors by reference.
 */

const binary = (description: string) => z.string().meta({ format: 'binary', description });

const callUploadForm = z.object({
  file: binary('m4a, mp3, wav, aac or ogg (decided from the bytes); at most MAX_FILE_SIZE'),
  metadata: uploadMetadataSchema.optional(),
  title: z
    .string()
    .optional()
    .meta({ description: 'Used when metadata has no title', example: 'Delivery date for order 1182' }),
});

const voiceSampleForm = z.object({
  file: binary('WAV, MP3 or M4A, 15–45 s, at most 10 MB'),
  consentAccepted: z
    .enum(['true'])
    .optional()
    .meta({ description: 'Optional; when present it must be true', example: 'true' }),
});

/** Every upload is authenticated, idempotent, bounded in size and checked by its bytes. */
const UPLOAD_ERRORS = [
  SHARED_ERRORS.validationFailed,
  SHARED_ERRORS.unauthorized,
  SHARED_ERRORS.forbidden,
  SHARED_ERRORS.idempotencyConflict,
  SHARED_ERRORS.payloadTooLarge,
  SHARED_ERRORS.unsupportedMediaType,
  ...HOST_ERRORS,
];

function multipartBody(schema: z.ZodObject, encoding?: Record<string, { contentType: string }>) {
  return { required: true, content: { 'multipart/form-data': { schema, ...(encoding ? { encoding } : {}) } } };
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

const uploadRecordingParameters = {
  path: z.object({ uploadId: z.uuid().meta({ description: 'From calls.createUpload' }) }),
  query: z.object({ grant: z.string().meta({ description: "The upload's grant, as its uploadUrl carries it" }) }),
};

export const UPLOAD_PATHS: ZodOpenApiPathsObject = {
  '/uploads/{uploadId}': {
    put: {
      operationId: 'uploads-put',
      summary: "Send an upload's recording as the request body (streamed; sending again replaces it)",
      tags: ['calls'],
      security: [{ firebase: [] }],
      requestParams: uploadRecordingParameters,
      requestBody: {
        required: true,
        content: { 'application/octet-stream': { schema: binary('m4a, mp3, wav, aac or ogg; at most maxBytes') } },
      },
      responses: {
        200: { description: 'Received: submit the call with calls.submit', content: json(receivedUploadSchema) },
        ...errorResponses(
          {
            400: 'validation_failed: an empty body',
            404: 'upload_not_found: an unknown upload, an expired grant, or the upload of another user',
            409: 'upload_already_submitted: the upload is already a call',
          },
          UPLOAD_ERRORS.filter((error) => error !== SHARED_ERRORS.idempotencyConflict),
        ),
      },
    },
  },
  '/calls/analyze': {
    post: {
      operationId: 'calls-analyze',
      summary: 'Submit a recording; it is streamed to storage and processed asynchronously',
      tags: ['calls'],
      security: [{ firebase: [] }],
      parameters: [idempotencyKeyRef],
      // The metadata part is JSON; declaring it lets a client (and the docs page) send it as such.
      requestBody: multipartBody(callUploadForm, { metadata: { contentType: 'application/json' } }),
      responses: {
        202: { description: 'Accepted: the call is QUEUED', content: json(submitCallResultSchema) },
        ...errorResponses(
          { 400: 'validation_failed: missing file, malformed metadata JSON, unknown direction, bad recordedAt' },
          UPLOAD_ERRORS,
        ),
      },
    },
  },
  '/users/me/voice-profile': {
    post: {
      operationId: 'voice-enrol',
      summary: 'Create or replace the voice profile (sample checked while streaming, never stored)',
      tags: ['voice'],
      security: [{ firebase: [] }],
      parameters: [idempotencyKeyRef],
      requestBody: multipartBody(voiceSampleForm),
      responses: {
        201: { description: 'Created', content: json(voiceProfileSchema) },
        ...errorResponses(
          {
            400: 'voice_sample_too_short / voice_sample_too_long / consent_required / validation_failed',
            404: 'feature_not_available (voice embedding disabled)',
            413: 'voice_sample_too_large',
            502: 'voice_provider_error',
          },
          UPLOAD_ERRORS,
        ),
      },
    },
  },
};
