import { findOnPath } from '../../src/tools/executables.ts';

/**
 * The browser for browser tests, never downloaded at test time: a system
 * Chromium on PATH, else the build @sparticuz/chromium ships inside its npm
 * package (unpacked once into the temp directory), with the flags it needs.
 */
export async function chromiumExecutable(): Promise<{ executablePath: string; args: string[] }> {
  const system = findOnPath('chromium', process.env.PATH) ?? findOnPath('chromium-browser', process.env.PATH);
  if (system) return { executablePath: system, args: [] };
  const { default: bundled } = await import('@sparticuz/chromium');
  return { executablePath: await bundled.executablePath(), args: bundled.args };
}
