import type { Em } from '../db/orm.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';
import type { ArtifactType } from './call-artifact.entity.ts';
import { deleteArtifact, findArtifact, findArtifactsOfCalls, upsertArtifact } from './call-artifact-queries.ts';
import type { StoredArtifact } from './call-artifact-queries.ts';
import { CallGoneError } from './call-gone-error.ts';
import { artifactKey } from './storage-keys.ts';

/** The artifacts that are JSON documents (everything but the recording). */
type DocumentType = Exclude<ArtifactType, 'TEMP_AUDIO'>;

/**
 * A call's stored artifacts, keyed by (callId, artifactType): the object in
 * storage and the row that points at it. A stage looks for its stored output
 * before paying a provider, and a rewrite replaces the row in place.
 */
export function callArtifacts(fork: () => Em, storage: ArtifactStore) {
  const find = (callId: string, type: ArtifactType) => findArtifact(fork(), callId, type);

  async function read(callId: string, type: ArtifactType): Promise<Buffer | undefined> {
    const artifact = await find(callId, type);
    return artifact ? storage.get(artifact.storageKey) : undefined;
  }

  return {
    find,
    read,

    async readJson<T>(callId: string, type: ArtifactType): Promise<T | undefined> {
      const bytes = await read(callId, type);
      return bytes ? (JSON.parse(bytes.toString('utf8')) as T) : undefined;
    },

    /** The parsed documents of one type of several calls: one statement, then one object read per call that has it. */
    async readJsonOfCalls(callIds: readonly string[], type: ArtifactType): Promise<Map<string, unknown>> {
      const found = await findArtifactsOfCalls(fork(), callIds, type);
      const read = async ([callId, artifact]: [string, StoredArtifact]) =>
        [callId, JSON.parse((await storage.get(artifact.storageKey)).toString('utf8')) as unknown] as const;
      return new Map(await Promise.all([...found].map(read)));
    },

    /**
     * A JSON document of the call, at its type's fixed key: object first, then
     * the row. If the call was deleted meanwhile the row cannot be written, so
     * the object is removed again: a cancelled pipeline leaves nothing behind.
     */
    async writeJson(call: { userId: string; callId: string }, type: DocumentType, json: string): Promise<void> {
      const { userId, callId } = call;
      const key = artifactKey(userId, callId, type);
      const contentType = 'application/json';
      const { byteSize } = await storage.put(key, Buffer.from(json), { contentType });
      if (await upsertArtifact(fork(), { callId, type, storageKey: key, contentType, byteSize })) return;
      await storage.delete(key);
      throw new CallGoneError(callId);
    },

    async remove(callId: string, type: ArtifactType): Promise<void> {
      const artifact = await find(callId, type);
      if (!artifact) return;
      await storage.delete(artifact.storageKey);
      await deleteArtifact(fork(), callId, type);
    },
  };
}

export type CallArtifacts = ReturnType<typeof callArtifacts>;
