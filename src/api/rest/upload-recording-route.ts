import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../auth/authenticator.ts';
import type { CallUploads } from '../../calls/call-uploads.ts';
import { fileTooLarge } from '../../errors/size-limit.ts';
import { authenticateRequest } from '../http/server.ts';

export interface UploadRecordingDeps {
  authenticator: Authenticator;
  callUploads: CallUploads;
  maxFileSizeBytes: number;
}

/**
 * PUT /api/uploads/{uploadId}?grant=…: the recording of an upload opened by
 * `calls.createUpload`, as the raw request body (any content type: the
 * format is read from the bytes). The caller and the grant are checked and a
 * declared size over the limit refused before a byte is read; the body is
 * streamed into storage, never held whole. Sending again replaces it.
 */
export function registerUploadRecordingRoute(app: FastifyInstance, deps: UploadRecordingDeps): void {
  app.register(async (scope) => {
    // The body is the recording itself: nothing parses it before the handler streams it.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.put<{ Params: { uploadId: string }; Querystring: { grant?: string } }>(
      '/api/uploads/:uploadId',
      async (request, reply) => {
        const user = await authenticateRequest(request, deps.authenticator);
        const declared = Number(request.headers['content-length']);
        if (Number.isFinite(declared) && declared > deps.maxFileSizeBytes)
          throw fileTooLarge(deps.maxFileSizeBytes, declared);
        const grant = typeof request.query.grant === 'string' ? request.query.grant : '';
        const received = await deps.callUploads.receive(user.id, request.params.uploadId, grant, request.raw);
        return reply.status(200).type('application/json; charset=utf-8').send(JSON.stringify(received));
      },
    );
  });
}
