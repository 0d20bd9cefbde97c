import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledAudioTool, resolveAudioTool } from '../../../src/audio/audio-tools.ts';
import { preprocessAudio } from '../../../src/audio/preprocess-audio.ts';
import { probeDurationSeconds } from '../../../src/audio/probe-audio.ts';

const FIXTURE = path.resolve('test/fixtures/audio/two-party-call.m4a');

describe('finding ffmpeg and ffprobe', () => {
  it('takes the configured path first, then the system binary on PATH, then the npm package build', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scryon-tools-'));
    const system = path.join(dir, 'ffmpeg');
    writeFileSync(system, '#!/bin/sh\n');
    chmodSync(system, 0o755);
    expect(resolveAudioTool('ffmpeg', '/opt/ffmpeg', dir)).toBe('/opt/ffmpeg');
    expect(resolveAudioTool('ffmpeg', undefined, dir)).toBe(system);
    expect(resolveAudioTool('ffmpeg', undefined, '')).toBe(bundledAudioTool('ffmpeg'));
    expect(bundledAudioTool('ffmpeg')).toMatch(/node_modules\/@ffmpeg-installer\/linux-x64\/ffmpeg$/);
  });

  it('ignores a file on PATH that is not executable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scryon-tools-'));
    writeFileSync(path.join(dir, 'ffprobe'), 'not a program');
    expect(resolveAudioTool('ffprobe', undefined, dir)).toBe(bundledAudioTool('ffprobe'));
  });

  it('preprocesses and probes a real recording with the npm package builds alone', async () => {
    const ffmpegPath = bundledAudioTool('ffmpeg')!;
    const ffprobePath = bundledAudioTool('ffprobe')!;
    const out = mkdtempSync(path.join(tmpdir(), 'scryon-tools-'));
    const outputs = {
      diarization: path.join(out, 'diarization.flac'),
      transcription: path.join(out, 'transcription.flac'),
    };
    await preprocessAudio(FIXTURE, outputs, {
      ffmpegPath,
      highpassHz: 100,
      denoiseEnabled: true,
      denoiseNrDb: 12,
      denoiseNoiseFloorDb: -40,
      timeoutMs: 60_000,
    });
    const [source, cleaned] = [
      await probeDurationSeconds(FIXTURE, ffprobePath),
      await probeDurationSeconds(outputs.transcription, ffprobePath),
    ];
    expect(source).toBeGreaterThan(5);
    expect(cleaned).toBeCloseTo(source, 0);
  });
});
