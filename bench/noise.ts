import { readdirSync, readFileSync } from 'node:fs';

/**
 * How much CPU processes other than the bench's own used during a case (Linux only): the whole machine's
 * busy time from /proc/stat minus that of this process and of the bench's children's process groups.
 * On a shared 2-CPU machine, a neighbour's test run can halve a result; this makes that visible.
 */

const CLOCK_TICKS = 100; // USER_HZ, 100 on every mainstream Linux

export interface CpuSample {
  at: number;
  machineBusy: number;
  /** Time the hypervisor gave our virtual CPUs to someone else. */
  steal: number;
  ours: number;
  /** Ticks of every other process, by "pid comm" (to name the neighbours). */
  others: Map<string, number>;
  /** Per CPU: [busy, total] ticks, interrupts included (is the CPU saturated?). */
  perCpu: [number, number][];
}

function readStat(): { machineBusy: number; steal: number; perCpu: [number, number][] } {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n').filter((line) => line.startsWith('cpu'));
  const fields = (line: string) => line.trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
  const [user, nice, system, , , , , steal] = fields(lines[0]!);
  return {
    // Interrupt time is left out here: loopback networking is mostly the bench's own, and not charged to any process.
    machineBusy: user! + nice! + system!,
    steal: steal ?? 0,
    perCpu: lines.slice(1).map((line) => {
      const f = fields(line);
      const total = f.reduce((a, b) => a + b, 0);
      return [total - f[3]! - f[4]!, total];
    }),
  };
}

/** utime + stime of every process whose group is one of `groups`, plus this process; and of each other process. */
function busyOf(groups: ReadonlySet<number>): { ours: number; others: Map<string, number> } {
  let sum = 0;
  const others = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may contain spaces, so split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(rest[2]);
    const ticks = Number(rest[11]) + Number(rest[12]);
    if (Number(entry) === process.pid || groups.has(pgrp)) sum += ticks;
    else others.set(`${entry} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`, ticks);
  }
  return { ours: sum, others };
}

export function sampleCpu(groups: ReadonlySet<number>): CpuSample | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return { at: performance.now(), ...readStat(), ...busyOf(groups) };
  } catch {
    return undefined;
  }
}

/** CPUs' worth of time used by other processes between two samples (0.5 = half a CPU, on average). */
export function foreignCpus(before: CpuSample | undefined, after: CpuSample | undefined): number | undefined {
  if (!before || !after) return undefined;
  const seconds = (after.at - before.at) / 1000;
  const foreign = after.machineBusy - before.machineBusy - (after.ours - before.ours);
  // The two reads are not atomic: clamp the small negative noise at 0.
  return seconds > 0 ? Math.max(0, foreign / CLOCK_TICKS / seconds) : undefined;
}

/** Busy fraction of each CPU between two samples (1 = saturated). */
export function cpuUtilization(before: CpuSample | undefined, after: CpuSample | undefined): number[] | undefined {
  if (!before || !after) return undefined;
  return after.perCpu.map(([busy, total], i) => {
    const [busy0, total0] = before.perCpu[i] ?? [0, 0];
    return total > total0 ? (busy - busy0) / (total - total0) : 0;
  });
}

/** The other processes that used the most CPU between two samples, as "pid comm: CPUs". */
export function topOthers(before: CpuSample | undefined, after: CpuSample | undefined, count = 3): string[] {
  if (!before || !after) return [];
  const seconds = (after.at - before.at) / 1000;
  return [...after.others]
    .map(([name, ticks]) => [name, (ticks - (before.others.get(name) ?? 0)) / CLOCK_TICKS / seconds] as const)
    .filter(([, cpus]) => cpus >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, cpus]) => `${name}: ${cpus.toFixed(2)}`);
}

/** CPUs' worth of time stolen by the hypervisor between two samples. */
export function stolenCpus(before: CpuSample | undefined, after: CpuSample | undefined): number | undefined {
  if (!before || !after) return undefined;
  const seconds = (after.at - before.at) / 1000;
  return seconds > 0 ? (after.steal - before.steal) / CLOCK_TICKS / seconds : undefined;
}
