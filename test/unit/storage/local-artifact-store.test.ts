import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalArtifactStore } from '../../../src/storage/local-artifact-store.ts';

const root = mkdtempSync(path.join(tmpdir(), 'scryon-store-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = createLocalArtifactStore(root);

describe('local artifact store: writing a stream', () => {
  it('holds every byte of many chunks, and leaves the caller its buffers', async () => {
    const chunks = Array.from({ length: 40 }, (_, index) => Buffer.alloc(64 * 1024, index + 1));
    const expected = Buffer.concat(chunks);
    const { byteSize } = await store.put('u/c/audio.wav', Readable.from(chunks), { contentType: 'audio/wav' });
    expect(byteSize).toBe(expected.length);
    expect(readFileSync(path.join(root, 'u/c/audio.wav')).equals(expected)).toBe(true);
    expect(chunks.every((chunk, index) => chunk.length === 64 * 1024 && chunk[0] === index + 1)).toBe(true);
  });

  it('leaves nothing behind, not even a temp file, when the stream fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('u/broken/audio.wav', failing, { contentType: 'audio/wav' })).rejects.toThrow(
      'client went away',
    );
    expect(existsSync(path.join(root, 'u/broken/audio.wav'))).toBe(false);
    expect(readdirSync(path.join(root, 'u/broken'))).toEqual([]);
  });
});
