import { createHash, randomUUID } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import { detectAudioFormat, type AudioFormat } from '../audio/detect-audio-format.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors/app-error.ts';
import type { PipelineGateway } from '../pipeline/pipeline-gateway.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { tempAudioKey } from '../storage/storage-keys.ts';
import { CallArtifact } from './call-artifact.entity.ts';
import { CallRecord } from './call-record.entity.ts';
import type { SubmitCallResult, UploadMetadata } from './call-schemas.ts';

/** Enough leading bytes to recognise every accepted container by its magic. */
const SNIFF_BYTES = 4100;


export interface StoredAudio {
  key: string;
  format: AudioFormat;
  contentType: string;
  byteSize: number;
  sha256: string | undefined;
}

export interface SubmitCallDeps {
  fork: () => Em;
  storage: ArtifactStore;
  pipeline: PipelineGateway;
  maxFileSizeBytes: number;
}

/**
 * One upload, in the order multipart parts may arrive: the audio is streamed
 * to object storage as TEMP_AUDIO while it arrives (never held whole), then
 * the metadata commits the row and starts the workflow. `abort` removes
 * whatever was stored, so a rejected request leaves nothing behind.
 */
export function beginCallSubmission(deps: SubmitCallDeps, userId: string) {
  const callId = randomUUID();
  let stored: StoredAudio | undefined;
  let committed = false;

  return {
    callId,

    /** `withHash`: compute the SHA-256 of the bytes (an Idempotency-Key needs it to recognise a retry). */
    async storeAudio(audio: Readable, withHash = false): Promise<StoredAudio> {
      if (stored) throw new AppError('validation_failed', 'Only one file part is accepted', { fields: { file: 'more than one file part' } });
      const { head, rest } = await readHead(audio, SNIFF_BYTES);
      const detected = detectAudioFormat(head);
      if (!detected) {
        audio.resume();
        throw new AppError('unsupported_media_type', 'Audio format not recognised; send m4a, mp3, wav, aac or ogg');
      }
      const key = tempAudioKey(userId, callId, detected.format);
      const hash = withHash ? createHash('sha256') : undefined;
      let byteSize = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          byteSize += chunk.length;
          if (byteSize > deps.maxFileSizeBytes) return callback(new AppError('payload_too_large'));
          hash?.update(chunk);
          callback(null, chunk);
        },
      });
      // One chain from the request to storage: an error anywhere destroys every stage.
      const body = pipeline(Readable.from(rest(), { objectMode: false }), meter, () => undefined);
      try {
        await deps.storage.put(key, body, { contentType: detected.contentType });
      } catch (error) {
        await deps.storage.delete(key).catch(() => undefined);
        throw error instanceof AppError ? error : new AppError('validation_failed', 'The upload was interrupted', { fields: { file: 'incomplete' } });
      }
      if (byteSize === 0) throw new AppError('validation_failed', 'The file is empty', { fields: { file: 'empty' } });
      stored = { key, format: detected.format, contentType: detected.contentType, byteSize, sha256: hash?.digest('hex') };
      return stored;
    },

    get audio(): StoredAudio | undefined {
      return stored;
    },

    async commit(metadata: UploadMetadata): Promise<SubmitCallResult> {
      if (!stored) throw new AppError('validation_failed', 'The file part is required', { fields: { file: 'required' } });
      const audio = stored;
      const em = deps.fork();
      await em.transactional(async (tx) => {
        tx.create(CallRecord, {
          id: callId,
          user: userId,
          title: metadata.title ?? null,
          contactName: metadata.contactName ?? null,
          contactId: metadata.contactId ?? null,
          phoneNumber: metadata.phoneNumber ?? null,
          organization: metadata.organization ?? null,
          direction: metadata.direction ?? 'UNKNOWN',
          recordedAt: metadata.recordedAt ? new Date(metadata.recordedAt) : new Date(),
          durationSeconds: metadata.durationSeconds ?? null,
          status: 'QUEUED',
          audioFormat: audio.format,
          audioByteSize: audio.byteSize,
          workflowId: `call-${callId}`,
        });
        tx.create(CallArtifact, {
          id: randomUUID(),
          call: callId,
          artifactType: 'TEMP_AUDIO',
          storageKey: audio.key,
          contentType: audio.contentType,
          byteSize: audio.byteSize,
        });
      });
      try {
        await deps.pipeline.startCall({ callId, userId });
      } catch (error) {
        // No workflow means no call: undo the row so nothing is left half-made.
        await em.getConnection().execute('delete from call_records where id = ?', [callId]);
        throw error;
      }
      committed = true;
      return { callId, status: 'QUEUED' };
    },

    async abort(): Promise<void> {
      if (committed || !stored) return;
      await deps.storage.delete(stored.key).catch(() => undefined);
      stored = undefined;
    },
  };
}

export type CallSubmission = ReturnType<typeof beginCallSubmission>;

/** Reads up to `size` leading bytes, then hands back a stream of everything (head included). */
async function readHead(stream: Readable, size: number): Promise<{ head: Buffer; rest: () => AsyncGenerator<Buffer> }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const iterator = stream[Symbol.asyncIterator]();
  while (length < size) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    }
  }
  return { head: head.subarray(0, Math.min(head.length, size)), rest };
}
