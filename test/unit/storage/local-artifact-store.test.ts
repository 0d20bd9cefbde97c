import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalArtifactStore } from '../../../src/storage/local-artifact-store.ts';

const root = mkdtempSync(path.join(tmpdir(), 'scryon-store-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = createLocalArtifactStore(root);

const detached = (buffer: Buffer) => (buffer.buffer as ArrayBuffer).detached;

/** Chunks of their own (each spans its whole ArrayBuffer), as a socket delivers them. */
function ownChunks(count: number, size: number): Buffer[] {
  return Array.from({ length: count }, (_, index) => Buffer.alloc(size, index + 1));
}

describe('local artifact store: releasing written chunks', () => {
  it('with releaseChunks, frees each whole chunk once it is on disk, and the file holds every byte', async () => {
    const chunks = ownChunks(40, 64 * 1024);
    const expected = Buffer.concat(chunks);
    const { byteSize } = await store.put('u/c/audio.wav', Readable.from(chunks), {
      contentType: 'audio/wav',
      releaseChunks: true,
    });
    expect(byteSize).toBe(expected.length);
    expect(readFileSync(path.join(root, 'u/c/audio.wav')).equals(expected)).toBe(true);
    expect(chunks.every((chunk) => detached(chunk) && chunk.length === 0)).toBe(true);
  });

  it('never frees a view that shares its memory with other bytes', async () => {
    const backing = Buffer.alloc(256 * 1024, 9);
    const views = [backing.subarray(0, 128 * 1024), backing.subarray(128 * 1024)];
    await store.put('u/c/views.wav', Readable.from(views), { contentType: 'audio/wav', releaseChunks: true });
    expect(detached(backing)).toBe(false);
    expect(backing.every((byte) => byte === 9)).toBe(true);
  });

  it('without releaseChunks, leaves the caller its buffers', async () => {
    const chunks = ownChunks(3, 64 * 1024);
    await store.put('u/c/kept.wav', Readable.from(chunks), { contentType: 'audio/wav' });
    expect(chunks.every((chunk) => !detached(chunk) && chunk.length === 64 * 1024)).toBe(true);
  });
});
