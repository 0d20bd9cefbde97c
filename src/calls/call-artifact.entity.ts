import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CallRecord } from './call-record.entity.ts';

export const ARTIFACT_TYPES = [
  'TEMP_AUDIO',
  'DIARIZATION_JSON',
  'RAW_TRANSCRIPT_JSON',
  'NORMALIZED_TRANSCRIPT_JSON',
  'ANALYSIS_JSON',
] as const;

/** One row per (call, artifact type); a rewrite replaces the row in place. */
export const CallArtifact = defineEntity({
  name: 'CallArtifact',
  tableName: 'call_artifacts',
  uniques: [{ name: 'call_artifacts_call_type_unique', properties: ['call', 'artifactType'] }],
  properties: {
    id: p.uuid().primary(),
    call: () => p.manyToOne(CallRecord).mapToPk().deleteRule('cascade').fieldName('call_id'),
    artifactType: p.enum(ARTIFACT_TYPES).columnType('text'),
    storageKey: p.text(),
    contentType: p.text(),
    byteSize: p.bigint('number'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type CallArtifact = InferEntity<typeof CallArtifact>;

export type ArtifactType = (typeof ARTIFACT_TYPES)[number];
