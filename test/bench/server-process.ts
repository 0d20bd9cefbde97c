import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The server's `GET /metrics`, when it announced one. */
  metricsUrl: string | undefined;
  /** Resident set size now, in bytes (from /proc). */
  rss(): number;
  /** Peak resident set size since start or the last `resetPeakRss`, in bytes (VmHWM). */
  peakRss(): number;
  /** CPU time the process has used so far, all threads, user and kernel, in milliseconds (from /proc). */
  cpuMs(): { user: number; system: number };
  /** Resets VmHWM to the current RSS (Linux `clear_refs` 5), so start-up peaks don't count. */
  resetPeakRss(): void;
  /** The inspector's WebSocket URL, for a server started with `--inspect`. */
  inspectorUrl(): string;
  stop(): Promise<void>;
}

/** Runs a server script in its own process so load generation never shares its event loop. */
export async function startServerProcess(
  script: string,
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeFlags, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let inspectorUrl: string | undefined;
  // Passed on as it comes; the inspector's announcement is noted on the way.
  child.stderr!.on('data', (chunk: Buffer) => {
    inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(String(chunk))?.[1];
    process.stderr.write(chunk);
  });
  let metricsUrl: string | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^LISTENING (\S+)(?: METRICS (\S+))?/.exec(line);
      if (!match?.[1]) return;
      metricsUrl = match[2];
      resolve(match[1]);
      // From here on the server's log lines are drained unread: parsing them would load the bench's own process.
      lines.close();
      child.stdout!.on('data', () => undefined);
      child.stdout!.resume();
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  const status = (field: string) => {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0) * 1024;
  };
  return {
    child,
    url,
    metricsUrl,
    cpuMs: () => processCpuMs(child.pid!),
    rss: () => status('VmRSS'),
    peakRss: () => status('VmHWM'),
    resetPeakRss: () => writeFileSync(`/proc/${child.pid}/clear_refs`, '5'),
    inspectorUrl: () => {
      if (!inspectorUrl) throw new Error(`${script} announced no inspector; start it with --inspect`);
      return inspectorUrl;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Clock ticks per second for /proc times: USER_HZ, 100 on every Linux ABI Node runs on. */
const USER_HZ = 100;

function processCpuMs(pid: number): { user: number; system: number } {
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th of those.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / USER_HZ, system: (Number(fields[12]) * 1000) / USER_HZ };
}
