import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export type Role = 'all' | 'api' | 'worker';

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

export interface RoleProcess {
  role: Role;
  child: ChildProcess;
  logFile: string;
  rss(): number;
  /** Peak resident set size since start or the last `resetPeakRss`, in bytes (VmHWM). */
  peakRss(): number;
  resetPeakRss(): void;
  /** The event-loop delay since the previous call (or start); each call starts a new window. */
  loopDelay(): Promise<LoopDelay>;
  stop(): Promise<void>;
}

const PROBE = path.resolve('test/bench/event-loop-probe.ts');

/**
 * `node src/main.ts <role>`, what `npm start` runs, with only the event-loop
 * probe preloaded. Ready when it prints its banner; its output goes to
 * `logFile` so failures under load can be read afterwards.
 */
export async function startRoleProcess(role: Role, env: Record<string, string>, workDir: string): Promise<RoleProcess> {
  const loopFile = path.join(workDir, `loop-delay-${role}.json`);
  const logFile = path.join(workDir, `scryon-${role}.log`);
  const child = spawn(process.execPath, ['--import', PROBE, 'src/main.ts', role], {
    env: { ...process.env, ...env, SCRYON_BENCH_LOOP_DELAY_FILE: loopFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stderr!.pipe(log);
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (line.startsWith('Scryon is running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`scryon ${role} exited with ${code}; see ${logFile}`)));
  });
  const status = (field: string) => {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0) * 1024;
  };
  return {
    role,
    child,
    logFile,
    rss: () => status('VmRSS'),
    peakRss: () => status('VmHWM'),
    resetPeakRss: () => writeFileSync(`/proc/${child.pid}/clear_refs`, '5'),
    loopDelay: async () => {
      rmSync(loopFile, { force: true });
      child.kill('SIGUSR2');
      const deadline = Date.now() + 10_000;
      while (!existsSync(loopFile)) {
        if (Date.now() > deadline) throw new Error(`scryon ${role} did not report its event-loop delay`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return JSON.parse(readFileSync(loopFile, 'utf8')) as LoopDelay;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
