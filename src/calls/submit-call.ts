import { createHash, randomUUID } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import { detectAudioFormat, type AudioFormat } from '../audio/detect-audio-format.ts';
import type { Em } from '../db/orm.ts';
import { isForeignKeyViolation } from '../db/sql-errors.ts';
import { AppError } from '../errors/app-error.ts';
import { fileTooLarge } from '../errors/size-limit.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import { tempAudioKey } from './storage-keys.ts';
import { upsertArtifact } from './call-artifact-queries.ts';
import { PipelineUnavailableError, type PipelinePort } from './pipeline-port.ts';
import { deleteCallRecord, insertQueuedCall } from './records/call-intake.ts';
import type { SubmitCallResult, UploadMetadata } from './call-schemas.ts';

/** Enough leading bytes to recognise every accepted container by its magic. */
const SNIFF_BYTES = 4100;
/** Lets the meter run ahead of a storage write in flight instead of pausing the request per socket chunk. */
const METER_BUFFER_BYTES = 1024 * 1024;

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
  pipeline: PipelinePort;
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
  /** The store in flight: an abort must wait for it, or its object outlives the rejected request. */
  let storing: Promise<unknown> | undefined;
  let committed = false;

  return {
    callId,

    /**
     * `withHash`: compute the SHA-256 of the bytes (an Idempotency-Key needs it
     * to recognise a retry).
     */
    storeAudio(audio: Readable, options: { withHash?: boolean } = {}): Promise<StoredAudio> {
      if (storing) {
        audio.resume();
        return Promise.reject(
          new AppError('validation_failed', 'Only one file part is accepted', {
            fields: { file: 'more than one file part' },
          }),
        );
      }
      const pending = store(audio, options);
      storing = pending.catch(() => undefined);
      return pending;
    },

    get audio(): StoredAudio | undefined {
      return stored;
    },

    async commit(metadata: UploadMetadata): Promise<SubmitCallResult> {
      if (!stored)
        throw new AppError('validation_failed', 'The file part is required', { fields: { file: 'required' } });
      const result = await queueCall(deps, { callId, userId, metadata, audio: stored });
      committed = true;
      return result;
    },

    async abort(): Promise<void> {
      if (committed) return;
      await storing;
      if (!stored) return;
      await deps.storage.delete(stored.key).catch(() => undefined);
      stored = undefined;
    },
  };

  async function store(audio: Readable, options: { withHash?: boolean }): Promise<StoredAudio> {
    stored = await storeCallAudio(deps, { userId, callId }, audio, options);
    return stored;
  }
}

export type CallSubmission = ReturnType<typeof beginCallSubmission>;

/**
 * Streams a call's recording into object storage as its TEMP_AUDIO: the
 * format is decided from the first bytes (anything else is refused before a
 * byte is stored), the size is metered against the limit, and an interrupted
 * or refused body leaves no object behind. `withHash` also computes the
 * SHA-256 of the bytes (an Idempotency-Key needs it to recognise a retry).
 */
export async function storeCallAudio(
  deps: Pick<SubmitCallDeps, 'storage' | 'maxFileSizeBytes'>,
  call: { userId: string; callId: string },
  audio: Readable,
  { withHash = false }: { withHash?: boolean } = {},
): Promise<StoredAudio> {
  const { head, body: audioBody } = await peekHead(audio, SNIFF_BYTES);
  if (head.length === 0) throw new AppError('validation_failed', 'The file is empty', { fields: { file: 'empty' } });
  const detected = await detectAudioFormat(head);
  if (!detected) {
    audioBody.resume();
    throw new AppError('unsupported_media_type', 'Audio format not recognised; send m4a, mp3, wav, aac or ogg');
  }
  const key = tempAudioKey(call.userId, call.callId, detected.format);
  const hash = withHash ? createHash('sha256') : undefined;
  let byteSize = 0;
  const meter = new Transform({
    highWaterMark: METER_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding, callback) {
      byteSize += chunk.length;
      if (byteSize > deps.maxFileSizeBytes) return callback(fileTooLarge(deps.maxFileSizeBytes));
      hash?.update(chunk);
      callback(null, chunk);
    },
  });
  // One chain from the request to storage: an error anywhere destroys every stage.
  const body = pipeline(audioBody, meter, () => undefined);
  try {
    await deps.storage.put(key, body, { contentType: detected.contentType });
  } catch (error) {
    await deps.storage.delete(key).catch(() => undefined);
    throw error instanceof AppError
      ? error
      : new AppError('validation_failed', 'The upload was interrupted', { fields: { file: 'incomplete' } });
  }
  return { key, format: detected.format, contentType: detected.contentType, byteSize, sha256: hash?.digest('hex') };
}

/**
 * Records a call whose recording is stored and starts its workflow. Once
 * this returns, the call is the pipeline's: its row and audio stay.
 */
export async function queueCall(
  deps: SubmitCallDeps,
  call: { callId: string; userId: string; metadata: UploadMetadata; audio: StoredAudio },
): Promise<SubmitCallResult> {
  const { callId, userId } = call;
  await recordQueuedCall(deps, call).catch((error: unknown) => {
    // The account was deleted while its recording was still arriving.
    if (isForeignKeyViolation(error)) throw new AppError('auth_invalid', 'The account no longer exists');
    throw error;
  });
  try {
    await deps.pipeline.startCall({ callId, userId });
  } catch (error) {
    // Temporal unreachable or too slow: the workflow may even have started.
    // The row and its audio are kept and the upload is accepted; the
    // unstarted-calls reconciler starts the workflow within a minute or so
    // if it is missing. Deleting instead would lose the recording (or orphan
    // a workflow that did start) for a fault the client cannot fix.
    if (error instanceof PipelineUnavailableError) return { callId, status: 'QUEUED' };
    // Refused (bad request, missing namespace, a bug): the reconciler would be
    // refused the same way on every run, and the call would sit QUEUED until
    // failed as stalled. Answer the error now and undo the row, so nothing is
    // left half-made.
    await deleteCallRecord(deps.fork(), callId);
    throw error;
  }
  return { callId, status: 'QUEUED' };
}

/**
 * The call row and its TEMP_AUDIO artifact row, both or neither; the call
 * event log records its QUEUED in the same transaction, so a watcher of the
 * user's calls (`myCallStatusChanged`) hears of a new call before any later
 * status, even one that stays QUEUED.
 */
async function recordQueuedCall(
  deps: SubmitCallDeps,
  call: { callId: string; userId: string; metadata: UploadMetadata; audio: StoredAudio },
): Promise<void> {
  const { callId, userId, metadata, audio } = call;
  const now = new Date();
  await deps.fork().transactional(async (tx) => {
    await insertQueuedCall(tx, {
      id: callId,
      userId,
      title: metadata.title ?? null,
      contactName: metadata.contactName ?? null,
      contactId: metadata.contactId ?? null,
      phoneNumber: metadata.phoneNumber ?? null,
      organization: metadata.organization ?? null,
      direction: metadata.direction ?? 'UNKNOWN',
      recordedAt: metadata.recordedAt ? new Date(metadata.recordedAt) : now,
      durationSeconds: metadata.durationSeconds ?? null,
      audioFormat: audio.format,
      audioByteSize: audio.byteSize,
      workflowId: deps.pipeline.pipelineIdOf(callId),
      createdAt: now,
    });
    await upsertArtifact(tx, {
      callId,
      type: 'TEMP_AUDIO',
      storageKey: audio.key,
      contentType: audio.contentType,
      byteSize: audio.byteSize,
    });
  });
}

/**
 * Peeks at up to `size` leading bytes without consuming them: they are put
 * back with `unshift`, so the stream can then be piped as it is, with no
 * async-iterator hop per chunk. A stream that ended early is handed back as
 * a fresh one holding the bytes it had.
 */
function peekHead(stream: Readable, size: number): Promise<{ head: Buffer; body: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (ended: boolean) => {
      stream.off('readable', onReadable).off('end', onEnd).off('error', onError);
      const head = Buffer.concat(chunks);
      if (ended) return resolve({ head, body: Readable.from(head.length ? [head] : []) });
      if (head.length) stream.unshift(head);
      resolve({ head, body: stream });
    };
    const onReadable = () => {
      for (let chunk: Buffer | null; length < size && (chunk = stream.read() as Buffer | null) !== null; ) {
        chunks.push(chunk);
        length += chunk.length;
      }
      if (length >= size) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (error: Error) => {
      stream.off('readable', onReadable).off('end', onEnd);
      reject(error);
    };
    stream.on('readable', onReadable).once('end', onEnd).once('error', onError);
  });
}
