import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AppError } from '../errors/app-error.ts';
import type { OpaqueTokens } from '../ids/opaque-token.ts';
import { isUuid } from '../ids/uuid.ts';
import type { SubmitCallResult, UploadMetadata } from './call-schemas.ts';
import { ownedCallRow } from './records/owned-calls.ts';
import { callTempPrefix, tempAudioExtension } from './storage-keys.ts';
import { queueCall, storeCallAudio, type StoredAudio, type SubmitCallDeps } from './submit-call.ts';
import { AUDIO_CONTENT_TYPES, type AudioFormat } from '../audio/detect-audio-format.ts';
import { isUniqueViolation } from '../db/sql-errors.ts';

/** How long an upload's grant lets its recording be sent. */
const UPLOAD_GRANT_MS = 15 * 60 * 1000;

/** A recording sent to an upload may be submitted as a call for this long after it arrived… */
const SUBMIT_WITHIN_MS = 30 * 60 * 1000;
/** …and the orphan sweep leaves it alone twice as long, so a submission never races its removal. */
export const UNSUBMITTED_KEPT_MS = 2 * SUBMIT_WITHIN_MS;

interface CallUploadsDeps extends SubmitCallDeps {
  tokens: OpaqueTokens;
}

/** Where and until when the recording of a future call may be sent. */
interface UploadGrant {
  /** The id of the upload, and of the call it becomes. */
  uploadId: string;
  /** Binds the upload to its user and its deadline; it goes in the upload URL. */
  grant: string;
  expiresAt: Date;
  maxBytes: number;
}

interface ReceivedUpload {
  uploadId: string;
  format: AudioFormat;
  byteSize: number;
}

/**
 * A call submitted in two steps, for clients whose protocol carries JSON
 * (tRPC, GraphQL): open an upload, send the recording's bytes to it, then
 * submit the call with the upload's id as a plain JSON operation. The bytes
 * are checked as the multipart upload checks them (format from the bytes,
 * the size limit) and stored where that upload stores them, under the call
 * the upload becomes; a recording never submitted is removed by the orphan
 * sweep, like the audio of an upload that broke off.
 */
export function createCallUploads(deps: CallUploadsDeps) {
  const refused = () =>
    new AppError('upload_not_found', 'No upload with this id and grant: it expired, or it is not yours');

  return {
    open(userId: string): UploadGrant {
      const uploadId = randomUUID();
      const expiresAt = new Date(Date.now() + UPLOAD_GRANT_MS);
      const grant = deps.tokens.seal('calls.upload', { c: uploadId, u: userId, e: expiresAt.getTime() });
      return { uploadId, grant, expiresAt, maxBytes: deps.maxFileSizeBytes };
    },

    /** Stores the recording of a granted upload, replacing what an earlier attempt sent. */
    async receive(userId: string, uploadId: string, grant: string, audio: Readable): Promise<ReceivedUpload> {
      const granted = deps.tokens.open('calls.upload', grant);
      const valid = granted.c === uploadId && granted.u === userId && Number(granted.e) > Date.now();
      if (!valid || !isUuid(uploadId)) throw refused();
      if (await ownedCallRow(deps.fork(), userId, uploadId))
        throw new AppError('upload_already_submitted', 'This upload was already submitted as a call');
      const earlier = await storedAudioOf(userId, uploadId);
      const stored = await storeCallAudio(deps, { userId, callId: uploadId }, audio);
      for (const object of earlier) if (object.key !== stored.key) await deps.storage.delete(object.key);
      return { uploadId, format: stored.format, byteSize: stored.byteSize };
    },

    /**
     * The call of a received upload. Submitting it again answers the same
     * call, so a retry never makes a second one.
     */
    async submit(userId: string, uploadId: string, metadata: UploadMetadata): Promise<SubmitCallResult> {
      const existing = await ownedCallRow(deps.fork(), userId, uploadId);
      if (existing) return { callId: existing.id, status: existing.status };
      const audio = await receivedAudio(userId, uploadId);
      if (!audio) throw new AppError('upload_not_found', 'No recording was received for this upload: send it first');
      return queueCall(deps, { callId: uploadId, userId, metadata, audio }).catch(async (error: unknown) => {
        // A concurrent twin of this submission made the call first: answer it.
        const twin = isUniqueViolation(error) ? await ownedCallRow(deps.fork(), userId, uploadId) : undefined;
        if (!twin) throw error;
        return { callId: twin.id, status: twin.status };
      });
    },
  };

  async function storedAudioOf(userId: string, uploadId: string) {
    const objects = [];
    for await (const object of deps.storage.list(callTempPrefix(userId, uploadId))) {
      const format = tempAudioExtension(object.key);
      if (format && Object.hasOwn(AUDIO_CONTENT_TYPES, format))
        objects.push({ ...object, format: format as AudioFormat });
    }
    return objects;
  }

  /** The newest recording sent, while the sweep is still far from removing it. */
  async function receivedAudio(userId: string, uploadId: string): Promise<StoredAudio | undefined> {
    const keptSince = Date.now() - SUBMIT_WITHIN_MS;
    const newest = (await storedAudioOf(userId, uploadId))
      .filter((object) => object.updatedAt.getTime() >= keptSince)
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0];
    if (!newest) return undefined;
    const { key, format, size } = newest;
    return { key, format, contentType: AUDIO_CONTENT_TYPES[format], byteSize: size, sha256: undefined };
  }
}

export type CallUploads = ReturnType<typeof createCallUploads>;
