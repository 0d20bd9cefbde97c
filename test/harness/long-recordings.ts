import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveAudioTool } from '../../src/audio/audio-tools.ts';

const run = promisify(execFile);

/** A phone-call recording of a chosen length, as a phone app would upload it (AAC in M4A, mono, 8 kHz). */
export interface LongRecording {
  durationSeconds: number;
  bytes: Buffer;
  filename: string;
  contentType: 'audio/mp4';
}

/** Bump when the recipe changes, so stale cached files are never reused. */
const RECIPE = 'v2';
const CACHE_DIR = path.join(tmpdir(), 'scryon-long-recordings', RECIPE);
const CONVERSATION = path.resolve('test/fixtures/audio/two-party-call.wav');

/**
 * Recordings of the given lengths, made once per machine from the committed
 * two-party call, looped to each length and encoded with the ffmpeg Scryon
 * itself would use (so a machine without a system ffmpeg makes them too),
 * and cached under the temp directory (never committed).
 */
export async function longRecordings(durationsSeconds: number[]): Promise<LongRecording[]> {
  await mkdir(CACHE_DIR, { recursive: true });
  const missing = durationsSeconds.filter((seconds) => !existsSync(cachedPath(seconds)));
  if (missing.length > 0) {
    const work = await mkdtemp(path.join(tmpdir(), 'scryon-recording-'));
    try {
      await Promise.all(missing.map((seconds) => encodeLoop(CONVERSATION, seconds, work)));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return Promise.all(
    durationsSeconds.map(async (seconds) => ({
      durationSeconds: seconds,
      bytes: await readFile(cachedPath(seconds)),
      filename: `call-${seconds}s.m4a`,
      contentType: 'audio/mp4' as const,
    })),
  );
}

function cachedPath(seconds: number): string {
  return path.join(CACHE_DIR, `call-${seconds}s.m4a`);
}

/**
 * Loops the conversation to exactly `seconds` and encodes it; the
 * atomic rename keeps a parallel test file from reading half a file.
 */
async function encodeLoop(conversation: string, seconds: number, work: string): Promise<void> {
  const partial = path.join(work, `call-${seconds}s.m4a`);
  await run(resolveAudioTool('ffmpeg', undefined, process.env.PATH), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-stream_loop',
    '-1',
    '-i',
    conversation,
    '-t',
    String(seconds),
    '-ac',
    '1',
    '-ar',
    '8000',
    '-c:a',
    'aac',
    '-b:a',
    '24k',
    partial,
  ]);
  await rename(partial, cachedPath(seconds));
}
