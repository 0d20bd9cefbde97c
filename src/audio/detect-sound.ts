import { runToolForReport } from './run-tool.ts';

/**
 * A recording whose loudest moment is quieter than this holds no speech
 * anyone could transcribe: digital silence measures about -91 dBFS, a quiet
 * room through a phone microphone stays well under it, and speech peaks far
 * above it even when soft. Transcription of such audio is not paid for (Whisper
 * invents sentences in long silences) and diarization finds no one.
 */
export const NO_SPEECH_PEAK_DBFS = -50;

/** The recording's peak level in dBFS, as ffmpeg's volumedetect measures it over the whole file. */
export async function peakLevelDbfs(filePath: string, ffmpegPath: string, timeoutMs: number): Promise<number> {
  const args = ['-hide_banner', '-nostats', '-nostdin', '-i', filePath, '-vn', '-af', 'volumedetect'];
  args.push('-f', 'null', '-');
  const report = await runToolForReport(ffmpegPath, args, timeoutMs);
  const match = /max_volume:\s*(-?[\d.]+|-inf) dB/.exec(report);
  if (!match) throw new Error('volumedetect reported no level');
  return match[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(match[1]);
}

/** Whether the recording has any sound speech could be in; undefined when it could not be measured. */
export async function hasAudibleSound(filePath: string, ffmpegPath: string, timeoutMs: number) {
  try {
    return (await peakLevelDbfs(filePath, ffmpegPath, timeoutMs)) >= NO_SPEECH_PEAK_DBFS;
  } catch {
    // Unmeasured is not silent: the provider hears it, and its no-speech marks still apply.
    return undefined;
  }
}
