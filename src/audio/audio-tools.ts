import { createRequire } from 'node:module';
import { findOnPath, isExecutable } from '../tools/executables.ts';

export type AudioTool = 'ffmpeg' | 'ffprobe';

/** npm packages that ship a static build of each tool for this platform. */
const BUNDLED_PACKAGES: Record<AudioTool, string> = {
  ffmpeg: '@ffmpeg-installer/ffmpeg',
  ffprobe: '@ffprobe-installer/ffprobe',
};

/**
 * Which binary runs a tool: the configured path, else the system's on PATH
 * (kept up to date by the OS), else the static build an npm package ships,
 * so preprocessing works on a machine with nothing installed. The bare name
 * is the last resort, and fails with the tool's own "missing" reason.
 */
export function resolveAudioTool(
  tool: AudioTool,
  configured: string | undefined,
  searchPath: string | undefined,
): string {
  if (configured) return configured;
  return findOnPath(tool, searchPath) ?? bundledAudioTool(tool) ?? tool;
}

export function bundledAudioTool(tool: AudioTool): string | undefined {
  try {
    // The packages are CommonJS and throw on a platform they have no build for.
    const { path } = createRequire(import.meta.url)(BUNDLED_PACKAGES[tool]) as { path: string };
    return isExecutable(path) ? path : undefined;
  } catch {
    return undefined;
  }
}
