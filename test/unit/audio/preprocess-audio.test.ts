import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveAudioTool } from '../../../src/audio/audio-tools.ts';
import { preprocessAudio, type PreprocessOutputs } from '../../../src/audio/preprocess-audio.ts';

const run = promisify(execFile);
const ffmpeg = resolveAudioTool('ffmpeg', undefined, process.env.PATH);
const ffprobe = resolveAudioTool('ffprobe', undefined, process.env.PATH);
/** The configuration's defaults. */
const SETTINGS = {
  highpassHz: 80,
  denoiseEnabled: true,
  denoiseNrDb: 12,
  denoiseNoiseFloorDb: -25,
  timeoutMs: 60_000,
};
const PHONE = path.resolve('test/fixtures/audio/two-party-call.m4a');

/** Integrated loudness in LUFS, as ffmpeg's EBU R128 scanner measures the whole file. */
async function integratedLoudness(file: string): Promise<number> {
  const args = ['-hide_banner', '-nostats', '-nostdin', '-i', file, '-af', 'ebur128', '-f', 'null', '-'];
  const { stderr } = await run(ffmpeg, args);
  const summary = stderr.slice(stderr.lastIndexOf('Integrated loudness:'));
  return Number(/I:\s*(-?[\d.]+) LUFS/.exec(summary)?.[1]);
}

async function streamOf(file: string): Promise<Record<string, string | number>> {
  const entries = 'stream=codec_name,sample_rate,channels,sample_fmt';
  const args = ['-v', 'error', '-show_entries', entries, '-of', 'json', file];
  const { stdout } = await run(ffprobe, args);
  return (JSON.parse(stdout) as { streams: Array<Record<string, string | number>> }).streams[0]!;
}

/** An ffmpeg that notes each run in a log before doing the real work, to count the runs. */
function countingFfmpeg(dir: string): { path: string; runs: () => number } {
  const log = path.join(dir, 'runs.log');
  writeFileSync(log, '');
  const wrapper = path.join(dir, 'ffmpeg');
  writeFileSync(wrapper, `#!/bin/sh\necho run >> '${log}'\nexec '${ffmpeg}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { path: wrapper, runs: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

describe('preprocessing a recording into its two variants', () => {
  let work: string;
  let stereo: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'scryon-preprocess-'));
    // A 44.1 kHz stereo recording, as a desktop app or a music-grade recorder uploads it.
    stereo = path.join(work, 'stereo.m4a');
    const toStereo = ['-af', 'aresample=44100', '-ac', '2', stereo];
    await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', PHONE, ...toStereo]);
  });

  it.each([
    ['mono 8 kHz AAC', () => PHONE],
    ['44.1 kHz stereo AAC', () => stereo],
  ])('turns %s into 16 kHz mono 16-bit FLAC at -16 LUFS (±1 LU), both in one ffmpeg run', async (_, input) => {
    const dir = mkdtempSync(path.join(work, 'out-'));
    const tool = countingFfmpeg(dir);
    const outputs: PreprocessOutputs = {
      diarization: path.join(dir, 'd.flac'),
      transcription: path.join(dir, 't.flac'),
    };
    await preprocessAudio(input(), outputs, { ...SETTINGS, ffmpegPath: tool.path });
    expect(tool.runs()).toBe(1);
    for (const file of [outputs.diarization, outputs.transcription]) {
      expect(readFileSync(file).subarray(0, 4).toString('latin1')).toBe('fLaC');
      const expected = { codec_name: 'flac', sample_fmt: 's16', sample_rate: '16000', channels: 1 };
      expect(await streamOf(file)).toEqual(expected);
      expect(Math.abs((await integratedLoudness(file)) + 16)).toBeLessThanOrEqual(1);
    }
  });
});
