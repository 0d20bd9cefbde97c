import { AudioToolError, runTool } from './run-tool.ts';

/** Duration in seconds as ffprobe measures it from the container or stream. */
export async function probeDurationSeconds(
  filePath: string,
  ffprobePath = 'ffprobe',
  timeoutMs = 15_000,
): Promise<number> {
  const output = await runTool(
    ffprobePath,
    ['-v', 'error', '-show_entries', 'format=duration:stream=duration', '-of', 'json', filePath],
    timeoutMs,
  );
  const parsed = JSON.parse(output) as { format?: { duration?: string }; streams?: Array<{ duration?: string }> };
  const candidates = [parsed.format?.duration, ...(parsed.streams ?? []).map((stream) => stream.duration)]
    .map(Number)
    .filter((value) => Number.isFinite(value) && value > 0);
  if (candidates.length === 0) throw new AudioToolError('no duration in the audio', 'failed');
  return Math.max(...candidates);
}
