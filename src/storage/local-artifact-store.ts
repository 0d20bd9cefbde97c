import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore, StoredObject } from './artifact-store.ts';

const WRITE_BATCH_BYTES = 1024 * 1024;

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
    let entries;
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
    async put(key, body, _options) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temp = path.join(path.dirname(file), `.tmp-${randomUUID()}`);
      let byteSize = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      // Socket-sized chunks (~64 KB) are gathered into ~1 MB writes: one
      // threadpool round trip per megabyte instead of sixteen.
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          byteSize += chunk.length;
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes < WRITE_BATCH_BYTES) return callback();
          const batch = Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          callback(null, batch);
        },
        flush(callback) {
          callback(null, pendingBytes > 0 ? Buffer.concat(pending, pendingBytes) : undefined);
        },
      });
      const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
      try {
        await pipeline(source, counter, createWriteStream(temp, { mode: 0o600 }));
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { byteSize };
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
