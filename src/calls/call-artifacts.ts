import { randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import type { ArtifactType } from '../calls/call-artifact.entity.ts';
import type { ArtifactStore } from '../storage/artifact-store.ts';

export class CallGoneError extends Error {
  constructor(callId: string) {
    super(`call ${callId} no longer exists`);
    this.name = 'CallGoneError';
  }
}

/**
 * Artifacts keyed by (callId, artifactType): a stage looks for its stored
 * output before paying a provider, and a rewrite replaces the row in place.
 */
export function callArtifacts(fork: () => Em, storage: ArtifactStore) {
  async function find(callId: string, type: ArtifactType): Promise<{ storage_key: string; content_type: string } | undefined> {
    const rows = await fork()
      .getConnection()
      .execute<{ storage_key: string; content_type: string }[]>('select storage_key, content_type from call_artifacts where call_id = ? and artifact_type = ?', [callId, type]);
    return rows[0];
  }

  return {
    find,

    async read(callId: string, type: ArtifactType): Promise<Buffer | undefined> {
      const row = await find(callId, type);
      return row ? storage.get(row.storage_key) : undefined;
    },

    async readJson<T>(callId: string, type: ArtifactType): Promise<T | undefined> {
      const bytes = await this.read(callId, type);
      return bytes ? (JSON.parse(bytes.toString('utf8')) as T) : undefined;
    },

    /**
     * Object first, then the row. If the call was deleted meanwhile the row
     * cannot be written (foreign key), so the object is removed again: a
     * cancelled pipeline leaves nothing behind.
     */
    async write(callId: string, type: ArtifactType, key: string, body: Buffer | string, contentType: string): Promise<void> {
      const { byteSize } = await storage.put(key, typeof body === 'string' ? Buffer.from(body) : body, { contentType });
      const rows = await fork()
        .getConnection()
        .execute<{ id: string }[]>(
          `insert into call_artifacts (id, call_id, artifact_type, storage_key, content_type, byte_size, created_at, updated_at)
           select ?, c.id, ?, ?, ?, ?, now(), now() from call_records c where c.id = ?
           on conflict (call_id, artifact_type) do update
             set storage_key = excluded.storage_key, content_type = excluded.content_type,
                 byte_size = excluded.byte_size, updated_at = now()
           returning id`,
          [randomUUID(), type, key, contentType, byteSize, callId],
        );
      if (rows.length === 0) {
        await storage.delete(key);
        throw new CallGoneError(callId);
      }
    },

    async remove(callId: string, type: ArtifactType): Promise<void> {
      const row = await find(callId, type);
      if (!row) return;
      await storage.delete(row.storage_key);
      await fork().getConnection().execute('delete from call_artifacts where call_id = ? and artifact_type = ?', [callId, type]);
    },
  };
}

export type CallArtifacts = ReturnType<typeof callArtifacts>;
