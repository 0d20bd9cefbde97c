import { randomUUID } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore, StoredObject } from './artifact-store.ts';

/** Up to this much may wait for the disk per upload; enough to ride out a slow write without pausing the socket. */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * A file as a Writable: chunks that arrive while a write is in flight go out
 * together as one writev.
 */
class FileSink extends Writable {
  bytesWritten = 0;
  readonly #handle: FileHandle;
  #closing: Promise<void> | undefined;

  constructor(handle: FileHandle) {
    super({ highWaterMark: WRITE_BUFFER_BYTES });
    this.#handle = handle;
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.#writeAll(chunks.map(({ chunk }) => chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#close().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#close().then(
      () => callback(error),
      () => callback(error),
    );
  }

  #close(): Promise<void> {
    return (this.#closing ??= this.#handle.close());
  }

  async #writeAll(buffers: Buffer[]): Promise<void> {
    let pending = buffers;
    while (pending.length > 0) {
      const { bytesWritten } = await this.#handle.writev(pending);
      this.bytesWritten += bytesWritten;
      pending = remainderAfter(pending, bytesWritten);
    }
  }
}

/** The part of `buffers` a short write did not cover. */
function remainderAfter(buffers: Buffer[], written: number): Buffer[] {
  let skip = written;
  const rest: Buffer[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.length) skip -= buffer.length;
    else {
      rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
      skip = 0;
    }
  }
  return rest;
}

/**
 * Artifacts as files under one root, with the same keys as GCS. Writes go to
 * a temp file in the same directory and are renamed into place, so a
 * half-written object is never visible and a failed write leaves nothing.
 */
export function createLocalArtifactStore(root: string): ArtifactStore {
  const resolved = path.resolve(root);
  const fileOf = (key: string) => {
    const file = path.resolve(resolved, key);
    if (!file.startsWith(`${resolved}${path.sep}`)) throw new Error('key escapes the storage root');
    return file;
  };

  async function* walk(dir: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) yield* walk(full);
      else if (!entry.name.startsWith('.tmp-')) yield full;
    }
  }

  const store: ArtifactStore = {
    async put(key, body) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temp = path.join(path.dirname(file), `.tmp-${randomUUID()}`);
      const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
      try {
        const destination = new FileSink(await open(temp, 'w', 0o600));
        await pipeline(source, destination);
        await rename(temp, file);
        return { byteSize: destination.bytesWritten };
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },

    get: (key) => readFile(fileOf(key)),

    getStream: (key) => createReadStream(fileOf(key)),

    async exists(key) {
      return access(fileOf(key)).then(
        () => true,
        () => false,
      );
    },

    async delete(key) {
      await rm(fileOf(key), { force: true });
    },

    async deletePrefix(prefix) {
      let count = 0;
      for await (const object of store.list(prefix)) {
        await rm(fileOf(object.key), { force: true });
        count += 1;
      }
      return count;
    },

    async *list(prefix): AsyncGenerator<StoredObject> {
      // Walk from the deepest directory the prefix names, then filter by the full prefix.
      const dir = path.dirname(fileOf(`${prefix}x`));
      for await (const file of walk(dir)) {
        const key = path.relative(resolved, file).split(path.sep).join('/');
        if (!key.startsWith(prefix)) continue;
        const info = await stat(file).catch(() => undefined);
        if (info) yield { key, size: info.size, updatedAt: info.mtime };
      }
    },

    async ping() {
      await mkdir(resolved, { recursive: true });
    },
  };
  return store;
}
