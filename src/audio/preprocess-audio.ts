import { runTool } from './run-tool.ts';

export interface PreprocessSettings {
  ffmpegPath: string;
  highpassHz: number;
  denoiseEnabled: boolean;
  denoiseNrDb: number;
  denoiseNoiseFloorDb: number;
  timeoutMs: number;
}

/**
 * The two variants of decision 20: mono 16 kHz loudness-normalised for
 * diarization (no denoise: pyannote prefers the natural signal), and the same
 * with high-pass and FFT denoise for transcription.
 */
export async function preprocessAudio(input: string, outputs: { diarization: string; transcription: string }, settings: PreprocessSettings): Promise<void> {
  const base = ['-hide_banner', '-nostdin', '-y', '-i', input, '-ac', '1', '-ar', '16000'];
  const loudnorm = 'loudnorm=I=-16:TP=-1.5:LRA=11';
  const cleanup = [`highpass=f=${settings.highpassHz}`, ...(settings.denoiseEnabled ? [`afftdn=nr=${settings.denoiseNrDb}:nf=${settings.denoiseNoiseFloorDb}`] : []), loudnorm];
  await runTool(settings.ffmpegPath, [...base, '-af', loudnorm, '-c:a', 'pcm_s16le', outputs.diarization], settings.timeoutMs);
  await runTool(settings.ffmpegPath, [...base, '-af', cleanup.join(','), '-c:a', 'pcm_s16le', outputs.transcription], settings.timeoutMs);
}
