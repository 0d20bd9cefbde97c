import { spawn } from 'node:child_process';

export class AudioToolError extends Error {
  readonly reason: 'missing' | 'failed' | 'timeout';

  constructor(message: string, reason: 'missing' | 'failed' | 'timeout') {
    super(message);
    this.name = 'AudioToolError';
    this.reason = reason;
  }
}

/** Runs ffmpeg/ffprobe with a deadline; stdout is returned, stderr only shortened into errors. */
export function runTool(binary: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2_000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new AudioToolError(`${binary} timed out`, 'timeout'));
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new AudioToolError(`${binary} could not run: ${error.code ?? error.message}`, error.code === 'ENOENT' ? 'missing' : 'failed'));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new AudioToolError(`${binary} exited with ${code}: ${stderr.split('\n').slice(-3).join(' ')}`, 'failed'));
    });
  });
}
