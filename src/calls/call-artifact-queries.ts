import { randomUUID } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import { isForeignKeyViolation } from '../db/sql-errors.ts';
import type { ArtifactType } from './call-artifact.entity.ts';

/**
 * Every statement on `call_artifacts`, and no other file issues one. SQL
 * rather than the ORM: a stage's write is one upsert on (call_id,
 * artifact_type), and a write for a call deleted meanwhile must be told
 * apart (the foreign key refuses it) so its object can be removed again.
 */

export interface StoredArtifact {
  storageKey: string;
  contentType: string;
}

export interface ArtifactRow extends StoredArtifact {
  callId: string;
  type: ArtifactType;
  byteSize: number;
}

export async function findArtifact(em: Em, callId: string, type: ArtifactType): Promise<StoredArtifact | undefined> {
  const rows = await em.execute<{ storage_key: string; content_type: string }[]>(
    'select storage_key, content_type from call_artifacts where call_id = ? and artifact_type = ?',
    [callId, type],
  );
  const row = rows[0];
  return row ? { storageKey: row.storage_key, contentType: row.content_type } : undefined;
}

/** The artifact of one type of each of `callIds` that has one, in one statement (a GraphQL page's documents). */
export async function findArtifactsOfCalls(
  em: Em,
  callIds: readonly string[],
  type: ArtifactType,
): Promise<Map<string, StoredArtifact>> {
  if (callIds.length === 0) return new Map();
  const rows = await em.execute<{ call_id: string; storage_key: string; content_type: string }[]>(
    'select call_id, storage_key, content_type from call_artifacts where artifact_type = ? and call_id in (?)',
    [type, [...callIds]],
  );
  return new Map(rows.map((row) => [row.call_id, { storageKey: row.storage_key, contentType: row.content_type }]));
}

/** Writes or replaces the (call, type) row; false when the call is gone. */
export async function upsertArtifact(em: Em, artifact: ArtifactRow): Promise<boolean> {
  try {
    await em.execute(
      `insert into call_artifacts
         (id, call_id, artifact_type, storage_key, content_type, byte_size, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, now(), now())
       on conflict (call_id, artifact_type) do update
         set storage_key = excluded.storage_key, content_type = excluded.content_type,
             byte_size = excluded.byte_size, updated_at = now()`,
      [randomUUID(), artifact.callId, artifact.type, artifact.storageKey, artifact.contentType, artifact.byteSize],
    );
    return true;
  } catch (error) {
    if (isForeignKeyViolation(error)) return false;
    throw error;
  }
}

export async function deleteArtifact(em: Em, callId: string, type: ArtifactType): Promise<void> {
  await em.execute('delete from call_artifacts where call_id = ? and artifact_type = ?', [callId, type]);
}

/** TEMP_AUDIO rows older than `hours`: raw audio past its time to live. */
export async function tempAudioOlderThan(em: Em, hours: number): Promise<{ callId: string; storageKey: string }[]> {
  const rows = await em.execute<{ call_id: string; storage_key: string }[]>(
    `select call_id, storage_key from call_artifacts
      where artifact_type = 'TEMP_AUDIO' and created_at < now() - (? * interval '1 hour')`,
    [hours],
  );
  return rows.map((row) => ({ callId: row.call_id, storageKey: row.storage_key }));
}

/** Which of `callIds` still hold their raw audio. */
export async function callsWithTempAudio(em: Em, callIds: readonly string[]): Promise<Set<string>> {
  if (callIds.length === 0) return new Set();
  const rows = await em.execute<{ call_id: string }[]>(
    `select call_id from call_artifacts where artifact_type = 'TEMP_AUDIO' and call_id in (?)`,
    [[...callIds]],
  );
  return new Set(rows.map((row) => row.call_id));
}
