import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore } from '../../storage/artifact-store.ts';

/** A stored object copied to a private temp file for the duration of `work`, then removed. */
export async function withLocalCopy<T>(
  storage: ArtifactStore,
  key: string,
  work: (filePath: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'scryon-stage-'));
  try {
    const file = path.join(dir, path.basename(key));
    await pipeline(storage.getStream(key), createWriteStream(file, { mode: 0o600 }));
    return await work(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
