import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

export class AudioToolError extends Error {
  readonly reason: 'missing' | 'failed' | 'timeout';

  constructor(message: string, reason: 'missing' | 'failed' | 'timeout') {
    super(message);
    this.name = 'AudioToolError';
    this.reason = reason;
  }
}

/**
 * ffmpeg and ffprobe jobs running at once in this process. A burst of uploads
 * must queue for the cores rather than share them: twenty encoders on two
 * cores starve the event loop that heartbeats every activity and answers
 * every request. A queued job's stage keeps heartbeating while it waits, and
 * its deadline starts when it runs.
 */
let limit = availableParallelism();
let running = 0;
const waiting: Array<() => void> = [];

export function configureAudioToolConcurrency(slots: number): void {
  limit = Math.max(1, slots);
  for (let free = limit - running; free > 0 && waiting.length > 0; free -= 1) waiting.shift()?.();
}

async function withSlot<T>(run: () => Promise<T>): Promise<T> {
  while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await run();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/** Runs ffmpeg/ffprobe with a deadline, once a slot is free; stdout is returned, stderr only shortened into errors. */
export function runTool(binary: string, args: string[], timeoutMs: number): Promise<string> {
  return withSlot(() => spawnTool(binary, args, timeoutMs));
}

/** The same, for a filter that reports on stderr (volumedetect): the end of stderr is returned. */
export function runToolForReport(binary: string, args: string[], timeoutMs: number): Promise<string> {
  return withSlot(() => spawnTool(binary, args, timeoutMs, 'stderr'));
}

function spawnTool(
  binary: string,
  args: string[],
  timeoutMs: number,
  answer: 'stdout' | 'stderr' = 'stdout',
): Promise<string> {
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
      reject(
        new AudioToolError(
          `${binary} could not run: ${error.code ?? error.message}`,
          error.code === 'ENOENT' ? 'missing' : 'failed',
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(answer === 'stdout' ? stdout : stderr);
      else
        reject(
          new AudioToolError(`${binary} exited with ${code}: ${stderr.split('\n').slice(-3).join(' ')}`, 'failed'),
        );
    });
  });
}
