import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveAudioTool } from '../../../src/audio/audio-tools.ts';
import { heardDurationSeconds } from '../../../src/providers/sandbox/conversation-script.ts';
import { flacDurationSeconds } from '../../../src/providers/sandbox/flac-duration.ts';

const run = promisify(execFile);
const FIXTURE = path.resolve('test/fixtures/audio/two-party-call.wav');

describe('the sandbox hears a FLAC as long as the WAV it encodes', () => {
  it('reads the length from STREAMINFO, so preprocessed FLACs pick the same demo call as WAVs did', async () => {
    const flac = path.join(mkdtempSync(path.join(tmpdir(), 'scryon-flac-')), 'call.flac');
    const ffmpeg = resolveAudioTool('ffmpeg', undefined, process.env.PATH);
    await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', FIXTURE, '-c:a', 'flac', flac]);
    const [wavBytes, flacBytes] = [readFileSync(FIXTURE), readFileSync(flac)];
    expect(flacDurationSeconds(flacBytes)).toBeCloseTo((wavBytes.length - 44) / (8_000 * 2), 3);
    expect(heardDurationSeconds(flacBytes)).toBe(heardDurationSeconds(wavBytes));
  });

  it('knows nothing of other bytes', () => {
    expect(flacDurationSeconds(Buffer.from('fLaC is only the start of this text, not a stream'))).toBeUndefined();
    expect(flacDurationSeconds(readFileSync(FIXTURE))).toBeUndefined();
  });
});
