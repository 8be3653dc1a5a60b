import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * CPU time of a process's main thread (its event loop, for Node) and of the whole process, from /proc (Linux).
 * The bench divides the difference over a run by the requests served: "event loop µs per request" is what a feature
 * costs the request path, wherever its other threads run.
 */

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a /proc stat line, in ms (fields 14 and 15, counted after the parenthesised command name). */
function statMs(path: string): number {
  const text = readFileSync(path, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
}

export interface CpuSample {
  mainMs: number;
  processMs: number;
}

/** Undefined where /proc is not there (not Linux) or the process is gone. */
export function sampleProcessCpu(pid: number | undefined): CpuSample | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  try {
    return { mainMs: statMs(`/proc/${pid}/task/${pid}/stat`), processMs: statMs(`/proc/${pid}/stat`) };
  } catch {
    return undefined;
  }
}

/** µs of CPU per request between two samples. */
export function perRequest(before: CpuSample | undefined, after: CpuSample | undefined, requests: number): { mainUs: number; processUs: number } | undefined {
  if (!before || !after || requests <= 0) return undefined;
  return { mainUs: ((after.mainMs - before.mainMs) * 1000) / requests, processUs: ((after.processMs - before.processMs) * 1000) / requests };
}
