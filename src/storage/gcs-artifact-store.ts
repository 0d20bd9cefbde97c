import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Storage } from '@google-cloud/storage';
import type { ArtifactStore, StoredObject } from './artifact-store.ts';

export interface GcsOptions {
  bucket: string;
  /** An emulator or custom endpoint (fake-gcs-server in tests). */
  apiEndpoint?: string | undefined;
  projectId?: string | undefined;
}

/**
 * Artifacts in a GCS bucket. Uploads are single-request multipart
 * (`resumable: false`): artifacts are written once by one process, and a
 * failed single request leaves no object, where an abandoned resumable
 * session would need cleaning up.
 */
export function createGcsArtifactStore(options: GcsOptions): ArtifactStore & { ensureBucket(): Promise<void> } {
  const storage = new Storage({
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    ...(options.projectId ? { projectId: options.projectId } : {}),
  });
  const bucket = storage.bucket(options.bucket);

  const store = {
    async put(key: string, body: Readable | Buffer | string, { contentType }: { contentType: string }) {
      const file = bucket.file(key);
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        const bytes = Buffer.from(body);
        await file.save(bytes, { resumable: false, contentType, validation: false });
        return { byteSize: bytes.length };
      }
      let byteSize = 0;
      body.on('data', (chunk: Buffer) => (byteSize += chunk.length));
      try {
        await pipeline(body, file.createWriteStream({ resumable: false, contentType, validation: false }));
      } catch (error) {
        await file.delete({ ignoreNotFound: true }).catch(() => undefined);
        throw error;
      }
      return { byteSize };
    },

    async get(key: string) {
      const [contents] = await bucket.file(key).download();
      return contents;
    },

    getStream: (key: string) => bucket.file(key).createReadStream(),

    async exists(key: string) {
      const [exists] = await bucket.file(key).exists();
      return exists;
    },

    async delete(key: string) {
      await bucket.file(key).delete({ ignoreNotFound: true });
    },

    async deletePrefix(prefix: string) {
      let count = 0;
      for await (const object of store.list(prefix)) {
        await bucket.file(object.key).delete({ ignoreNotFound: true });
        count += 1;
      }
      return count;
    },

    async *list(prefix: string): AsyncGenerator<StoredObject> {
      let pageToken: string | undefined;
      do {
        const [files, next] = await bucket.getFiles({
          prefix,
          autoPaginate: false,
          maxResults: 500,
          ...(pageToken ? { pageToken } : {}),
        });
        for (const file of files) {
          yield {
            key: file.name,
            size: Number(file.metadata.size ?? 0),
            updatedAt: new Date(String(file.metadata.updated ?? file.metadata.timeCreated ?? 0)),
          };
        }
        pageToken = (next as { pageToken?: string } | null)?.pageToken;
      } while (pageToken);
    },

    async ping() {
      await bucket.getMetadata();
    },

    /** For emulators and fresh environments; production buckets are provisioned, not created here. */
    async ensureBucket() {
      const [exists] = await bucket.exists();
      if (!exists) await bucket.create();
    },
  };
  return store;
}
