import { setTimeout as sleep } from 'node:timers/promises';
import { measure, type LoadSettings } from './load.js';
import { sampleProcessCpu } from './thread-cpu.js';

/**
 * Logging on against logging off, measured in one environment. On this VM the same gateway runs anywhere between
 * 16k and 20k req/s from one 8 s run to the next (its CPU per request moves as much: the host, not the gateway), so
 * two runs a minute apart compare the host's moods more than the log. Here both gateways run at once, pinned to the
 * same CPU, and take the load in turns of a few seconds, in the order off-on, on-off, off-on, ...; each pair gives a
 * ratio and the figure is their median. Before each turn both gateways are let finish what the previous turn left
 * them (the logging gateway's drain and index, either's idle-time GC), and during the turn the other gateway is
 * frozen (SIGSTOP): no background work of one lands in the other's turn, and each turn starts, like a fresh run, with
 * nothing left over.
 */

export interface Contender {
  url: string;
  pid: number | undefined;
}

export interface InterleavedResult {
  /** Per pair: logging on / logging off. */
  ratios: number[];
  offRps: number[];
  onRps: number[];
  /** Event loop µs per request, per turn. */
  offLoopUs: number[];
  onLoopUs: number[];
  /** Turns that began before both gateways were quiet (15 s at most is waited for each). */
  notQuiet: number;
  /** Per pair: whether other processes used ≥ DISTURBED_CPUS of a CPU during one of its turns (left out of the figure). */
  disturbed: boolean[];
}

/**
 * Other processes' CPU (and the hypervisor's steal) during a turn from which the pair does not count. A neighbour's test run or build on this
 * 2-CPU machine took up to half a CPU during some turns, moving their ratio by 0.1 and more; background daemons take
 * well under 1 %.
 */
export const DISTURBED_CPUS = 0.05;

/** Measures other processes' CPU plus steal over a stretch of time: call, run, call the result (undefined off Linux). */
export type ForeignCpu = () => () => number | undefined;

/**
 * Waits until the process has used less than 5 % of a CPU in each of five 100 ms windows in a row (its worker has
 * drained, and is not merely between two steps), at most `timeoutMs`.
 */
async function quiet(pid: number | undefined, timeoutMs = 15_000): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  let last = sampleProcessCpu(pid);
  let calm = 0;
  while (last && calm < 5 && performance.now() < until) {
    await sleep(100);
    const now = sampleProcessCpu(pid);
    if (!now) return true;
    calm = now.processMs - last.processMs < 5 ? calm + 1 : 0;
    last = now;
  }
  return !last || calm >= 5;
}

interface Turn {
  rps: number;
  loopUs: number | undefined;
  foreignCpus: number | undefined;
}

async function turn(contender: Contender, settings: LoadSettings, foreignCpu: ForeignCpu): Promise<Turn> {
  const before = sampleProcessCpu(contender.pid);
  const foreign = foreignCpu();
  const load = await measure(contender.url, settings);
  const foreignCpus = foreign();
  const after = sampleProcessCpu(contender.pid);
  const loopUs = before && after && load.total > 0 ? ((after.mainMs - before.mainMs) * 1000) / load.total : undefined;
  return { rps: load.requestsPerSec, loopUs, foreignCpus };
}

/** Two running gateways, warmed up: logging off and on. */
export interface Contenders {
  off: Contender;
  on: Contender;
  stop(): Promise<void>;
}

/**
 * Pairs per pair of processes. Under this load a Node 20 gateway, logging or not, turns ~10 % slower for good after
 * ~100 s (`process.nextTick` deoptimised and re-optimised: bench/README.md); whichever gateway got there first
 * skewed every later pair, so fresh processes take over well before.
 */
export const PAIRS_PER_START = 12;

export async function interleaveLogging(
  start: () => Promise<Contenders>,
  pairs: number,
  settings: LoadSettings,
  foreignCpu: ForeignCpu,
  progress: (line: string) => void,
): Promise<InterleavedResult> {
  const result: InterleavedResult = { ratios: [], offRps: [], onRps: [], offLoopUs: [], onLoopUs: [], notQuiet: 0, disturbed: [] };
  for (let first = 0; first < pairs; first += PAIRS_PER_START) {
    const contenders = await start();
    try {
      await interleavePairs(contenders, first, Math.min(pairs, first + PAIRS_PER_START), pairs, settings, foreignCpu, result, progress);
    } finally {
      await contenders.stop();
    }
  }
  return result;
}

async function interleavePairs(
  { off, on }: Contenders,
  from: number,
  to: number,
  pairs: number,
  settings: LoadSettings,
  foreignCpu: ForeignCpu,
  result: InterleavedResult,
  progress: (line: string) => void,
): Promise<void> {
  for (let pair = from; pair < to; pair++) {
    const order = pair % 2 === 0 ? ([off, on] as const) : ([on, off] as const);
    const measured = new Map<Contender, Turn>();
    for (const contender of order) {
      // Each turn runs alone on a quiet core: both gateways first finish what the last turn left them (the log's
      // drain and index, V8's idle-time GC), then the idle one is frozen, so that none of its background work
      // lands in the other's turn.
      const [quietOff, quietOn] = [await quiet(off.pid), await quiet(on.pid)];
      if (!quietOff || !quietOn) result.notQuiet++;
      const idle = contender === off ? on : off;
      if (idle.pid !== undefined) process.kill(idle.pid, 'SIGSTOP');
      try {
        measured.set(contender, await turn(contender, settings, foreignCpu));
      } finally {
        if (idle.pid !== undefined) process.kill(idle.pid, 'SIGCONT');
      }
    }
    const a = measured.get(off)!;
    const b = measured.get(on)!;
    result.offRps.push(a.rps);
    result.onRps.push(b.rps);
    if (a.loopUs !== undefined) result.offLoopUs.push(a.loopUs);
    if (b.loopUs !== undefined) result.onLoopUs.push(b.loopUs);
    result.ratios.push(b.rps / a.rps);
    const foreign = Math.max(a.foreignCpus ?? 0, b.foreignCpus ?? 0);
    result.disturbed.push(foreign >= DISTURBED_CPUS);
    const us = (x: number | undefined) => (x === undefined ? '' : `, ${x.toFixed(1)} µs loop/req`);
    const mark = foreign >= DISTURBED_CPUS ? `; DISTURBED: other processes used ${foreign.toFixed(2)} CPU, left out` : '';
    progress(`  pair ${pair + 1} of ${pairs}: off ${Math.round(a.rps)} req/s${us(a.loopUs)}; on ${Math.round(b.rps)} req/s${us(b.loopUs)}; ratio ${(b.rps / a.rps).toFixed(2)}${mark}\n`);
  }
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
