import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where a whole machine's CPU went over an interval, from /proc: every
 * process's own and reaped children's time (so ffmpeg runs count under the
 * worker that started them, and PostgreSQL backends under theirs), and the
 * machine's busy time from /proc/stat. Linux only.
 */
export interface CpuSnapshot {
  busyTicks: number;
  totalTicks: number;
  processes: Map<number, { name: string; ticks: number }>;
}

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export function cpuSnapshot(): CpuSnapshot {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
  const totalTicks = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const busyTicks = totalTicks - fields[3]! - fields[4]!;
  const processes = new Map<number, { name: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the name: state is field 3, so utime/stime/cutime/cstime (fields 14–17) sit at 11–14 here.
      const ticks = Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
      processes.set(Number(entry), { name, ticks });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return { busyTicks, totalTicks, processes };
}

export interface CpuUse {
  busySeconds: number;
  availableSeconds: number;
  byLabel: Array<[label: string, seconds: number]>;
}

/** The CPU-seconds between two snapshots, grouped by `labelOf` (a process's pid and name); the rest is "other". */
export function cpuBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
  labelOf: (pid: number, name: string) => string | undefined,
): CpuUse {
  const byLabel = new Map<string, number>();
  for (const [pid, { name, ticks }] of after.processes) {
    const spent = ticks - (before.processes.get(pid)?.ticks ?? 0);
    if (spent <= 0) continue;
    const label = labelOf(pid, name) ?? 'other';
    byLabel.set(label, (byLabel.get(label) ?? 0) + spent / TICKS_PER_SECOND);
  }
  return {
    busySeconds: (after.busyTicks - before.busyTicks) / TICKS_PER_SECOND,
    // /proc/stat's first line sums every core, so this is already cores × seconds.
    availableSeconds: (after.totalTicks - before.totalTicks) / TICKS_PER_SECOND,
    byLabel: [...byLabel].sort((a, b) => b[1] - a[1]),
  };
}
