import type { ArtifactType } from './call-artifact.entity.ts';
import { isUuid } from '../ids/uuid.ts';

const EXTENSION = /^[a-z0-9]{1,5}$/;

/** Only server-made UUIDs ever reach a key, so no client input can steer a path. */
function uuid(value: string, what: string): string {
  if (!isUuid(value)) throw new Error(`${what} is not a UUID`);
  return value.toLowerCase();
}

export function userPrefix(userId: string): string {
  return `users/${uuid(userId, 'userId')}/`;
}

export function callPrefix(userId: string, callId: string): string {
  return `${userPrefix(userId)}calls/${uuid(callId, 'callId')}/`;
}

/** Raw and preprocessed audio: everything here is deleted when the call ends. */
export function callTempPrefix(userId: string, callId: string): string {
  return `${callPrefix(userId, callId)}temp/`;
}

/** Fixed names, never the client's file name (the privacy rule on keys). */
export function tempAudioKey(userId: string, callId: string, extension: string): string {
  if (!EXTENSION.test(extension)) throw new Error('invalid audio extension');
  return `${callTempPrefix(userId, callId)}audio.${extension}`;
}

/** The format of the recording stored at `key`, when it is a call's TEMP_AUDIO key. */
export function tempAudioExtension(key: string): string | undefined {
  return /\/temp\/audio\.([a-z0-9]{1,5})$/.exec(key)?.[1];
}

/** The preprocessed variants are FLAC: lossless, and about half the bytes of the WAVs they replace. */
export function preprocessedAudioKey(userId: string, callId: string, variant: 'diarization' | 'transcription'): string {
  return `${callTempPrefix(userId, callId)}${variant}.flac`;
}

/** The content type every preprocessed variant is stored and sent with. */
export const PREPROCESSED_AUDIO_CONTENT_TYPE = 'audio/flac';

const ARTIFACT_PATHS: Record<Exclude<ArtifactType, 'TEMP_AUDIO'>, string> = {
  DIARIZATION_JSON: 'diarization/diarization.json',
  RAW_TRANSCRIPT_JSON: 'transcripts/raw.json',
  NORMALIZED_TRANSCRIPT_JSON: 'transcripts/normalized.json',
  ANALYSIS_JSON: 'analysis/analysis.json',
};

export function artifactKey(userId: string, callId: string, type: Exclude<ArtifactType, 'TEMP_AUDIO'>): string {
  return `${callPrefix(userId, callId)}${ARTIFACT_PATHS[type]}`;
}

/** Parses `users/{userId}/calls/{callId}/…` back into ids (the orphan sweeper needs it). */
export function parseCallKey(key: string): { userId: string; callId: string } | undefined {
  const match = /^users\/([0-9a-f-]{36})\/calls\/([0-9a-f-]{36})\//.exec(key);
  return match ? { userId: match[1]!, callId: match[2]! } : undefined;
}
