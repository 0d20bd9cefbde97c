import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ArtifactStore } from '../../../src/storage/artifact-store.ts';
import { createArtifactStore } from '../../../src/storage/create-artifact-store.ts';
import { callPrefix, tempAudioKey, userPrefix } from '../../../src/calls/storage-keys.ts';

const localRoot = mkdtempSync(path.join(tmpdir(), 'scryon-store-'));
afterAll(() => rmSync(localRoot, { recursive: true, force: true }));

const bucket = `store-${randomBytes(4).toString('hex')}`;
const adapters: Array<[string, () => Promise<ArtifactStore>]> = [
  [
    'GCS on fake-gcs-server',
    () =>
      createArtifactStore({
        provider: 'gcs',
        bucket,
        apiEndpoint: inject('gcsEndpoint'),
        projectId: 'test',
        localPath: '',
      }),
  ],
  ['the local file store', () => createArtifactStore({ provider: 'local', localPath: localRoot })],
];

describe.each(adapters)('the artifact store: %s', (_name, open) => {
  const userId = randomUUID();
  const callId = randomUUID();

  it('puts, reads, streams and lists objects at the documented keys', async () => {
    const store = await open();
    const key = tempAudioKey(userId, callId, 'wav');
    expect(key).toBe(`users/${userId}/calls/${callId}/temp/audio.wav`);
    const bytes = randomBytes(300_000);
    expect(
      await store.put(key, Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), {
        contentType: 'audio/wav',
      }),
    ).toEqual({ byteSize: 300_000 });
    expect((await store.get(key)).equals(bytes)).toBe(true);
    const streamed: Buffer[] = [];
    for await (const chunk of store.getStream(key)) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).equals(bytes)).toBe(true);
    await store.put(`${callPrefix(userId, callId)}transcripts/raw.json`, '{"ok":true}', {
      contentType: 'application/json',
    });
    const listed = [];
    for await (const object of store.list(callPrefix(userId, callId))) listed.push([object.key, object.size]);
    expect(listed.sort()).toEqual([
      [`${callPrefix(userId, callId)}temp/audio.wav`, 300_000],
      [`${callPrefix(userId, callId)}transcripts/raw.json`, 11],
    ]);
  });

  it('deletes idempotently and by prefix', async () => {
    const store = await open();
    const other = randomUUID();
    await store.put(`${callPrefix(userId, other)}analysis/analysis.json`, '{}', { contentType: 'application/json' });
    await store.delete(`${callPrefix(userId, other)}does/not/exist.json`);
    expect(await store.deletePrefix(callPrefix(userId, other))).toBe(1);
    expect(await store.exists(`${callPrefix(userId, other)}analysis/analysis.json`)).toBe(false);
    expect(await store.exists(tempAudioKey(userId, callId, 'wav'))).toBe(true);
    expect(await store.deletePrefix(userPrefix(userId))).toBe(2);
  });

  it('leaves no object behind when the incoming stream fails midway', async () => {
    const store = await open();
    const key = `${callPrefix(userId, randomUUID())}temp/audio.mp3`;
    const failing = new Readable({ read() {} });
    failing.push(randomBytes(64_000));
    setTimeout(() => failing.destroy(new Error('client went away')), 20);
    await expect(store.put(key, failing, { contentType: 'audio/mpeg' })).rejects.toThrow();
    expect(await store.exists(key)).toBe(false);
  });

  it('refuses keys that are not built from server UUIDs', () => {
    expect(() => tempAudioKey('../etc', callId, 'wav')).toThrow();
    expect(() => tempAudioKey(userId, callId, 'wav/../../x')).toThrow();
  });
});
