import { runTool } from './run-tool.ts';

export interface PreprocessSettings {
  ffmpegPath: string;
  highpassHz: number;
  denoiseEnabled: boolean;
  denoiseNrDb: number;
  denoiseNoiseFloorDb: number;
  timeoutMs: number;
}

/** Where each variant is written: local FLAC files. */
export interface PreprocessOutputs {
  diarization: string;
  transcription: string;
}

/** Both variants are 16 kHz mono, the rate transcription and diarization models work at. */
export const PREPROCESSED_SAMPLE_RATE = 16_000;

/**
 * EBU R128 speech target. The true-peak ceiling is -1 dBTP (the usual
 * streaming ceiling): at -1.5 the limiter held peaky phone speech about a
 * loudness unit under the target.
 */
export const LOUDNESS_FILTER = 'loudnorm=I=-16:TP=-1:LRA=11';

/** The sample format both outputs are pinned to: what the WAVs held, and what FLAC then stores losslessly. */
const OUTPUT_FORMAT = `aformat=sample_fmts=s16:sample_rates=${PREPROCESSED_SAMPLE_RATE}:channel_layouts=mono`;

/**
 * The two variants of decision 20 from one ffmpeg run, as FLAC: the
 * diarization variant is mono 16 kHz loudness-normalised (no denoise:
 * pyannote prefers the natural signal), the transcription variant is that
 * same signal with high-pass and FFT denoise. The recording is decoded once
 * and brought to 16 kHz mono before any filter, so nothing runs on the upload's
 * own rate and channels; the one loudness pass is shared (see docs/performance.md
 * for what that changes in the transcription variant).
 */
export async function preprocessAudio(
  input: string,
  outputs: PreprocessOutputs,
  settings: PreprocessSettings,
): Promise<void> {
  await runTool(settings.ffmpegPath, preprocessArgs(input, outputs, settings), settings.timeoutMs);
}

/** The ffmpeg arguments of preprocessAudio, exported so a bench can run and measure exactly them. */
export function preprocessArgs(input: string, outputs: PreprocessOutputs, settings: PreprocessSettings): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-y', '-i', input, '-filter_complex', preprocessGraph(settings)],
    ...['-map', '[diarization]', '-c:a', 'flac', outputs.diarization],
    ...['-map', '[transcription]', '-c:a', 'flac', outputs.transcription],
  ];
}

function preprocessGraph(settings: PreprocessSettings): string {
  const rate = `aresample=${PREPROCESSED_SAMPLE_RATE}`;
  // loudnorm works at 192 kHz internally and outputs that rate, hence the second resample.
  const shared = [rate, 'aformat=channel_layouts=mono', LOUDNESS_FILTER, rate, 'asplit=2[d][t]'].join(',');
  const cleanup = [...cleanupFilters(settings), OUTPUT_FORMAT].join(',');
  return `[0:a]${shared};[d]${OUTPUT_FORMAT}[diarization];[t]${cleanup}[transcription]`;
}

function cleanupFilters(settings: PreprocessSettings): string[] {
  const denoise = `afftdn=nr=${settings.denoiseNrDb}:nf=${settings.denoiseNoiseFloorDb}`;
  return [`highpass=f=${settings.highpassHz}`, ...(settings.denoiseEnabled ? [denoise] : [])];
}
