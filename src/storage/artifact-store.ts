import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
  updatedAt: Date;
}

export interface PutOptions {
  contentType: string;
}

/**
 * The object-storage port. Keys follow calls/storage-keys.ts; no adapter ever
 * exposes a public URL. A put that fails midway leaves no object behind.
 */
export interface ArtifactStore {
  put(key: string, body: Readable | Buffer | string, options: PutOptions): Promise<{ byteSize: number }>;
  get(key: string): Promise<Buffer>;
  getStream(key: string): Readable;
  exists(key: string): Promise<boolean>;
  /** Idempotent: deleting a missing object is fine. */
  delete(key: string): Promise<void>;
  /** Deletes every object under the prefix; returns how many went. */
  deletePrefix(prefix: string): Promise<number>;
  list(prefix: string): AsyncIterable<StoredObject>;
  ping(): Promise<void>;
}
