import { setTimeout as sleep } from 'node:timers/promises';
import { measure, type LoadSettings } from './load.js';
import { sampleProcessCpu } from './thread-cpu.js';

/**
 * One server against another, measured in one environment: logging on against logging off, and Portico against a
 * bare http-proxy. On this VM the same gateway runs anywhere between 13k and 21k req/s from one 8 s run to the next
 * (its CPU per request moves as much: the host, not the gateway), so two runs a minute apart compare the host's moods
 * more than the servers. Here both run at once, pinned to the same CPU, and take the load in turns of a few seconds,
 * in the order base-candidate, candidate-base, ...; each pair gives a ratio (candidate / base) and the figure is their
 * median. Before each turn both are let finish what the previous turn left them (the logging gateway's drain and
 * index, either's idle-time GC), and during the turn the other is frozen (SIGSTOP): no background work of one lands
 * in the other's turn, and each turn starts, like a fresh run, with nothing left over.
 */

export interface Contender {
  /** Short, for the progress lines: "off", "portico". */
  label: string;
  url: string;
  pid: number | undefined;
}

export interface InterleavedResult {
  /** Per pair: candidate / base (logging on / logging off; Portico / bare http-proxy). */
  ratios: number[];
  baseRps: number[];
  candidateRps: number[];
  /** Event loop µs per request, per turn. */
  baseLoopUs: number[];
  candidateLoopUs: number[];
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

/** Two running servers, warmed up: the base (logging off; bare http-proxy) and the candidate measured against it. */
export interface Contenders {
  base: Contender;
  candidate: Contender;
  stop(): Promise<void>;
}

/**
 * Pairs per pair of processes. Under this load a Node 20 server, logging or not, turns ~10 % slower for good after
 * ~100 s (`process.nextTick` deoptimised and re-optimised: bench/README.md); whichever got there first skewed every
 * later pair, so fresh processes take over well before. And a process keeps its speed for its life: two gateways of
 * the same build, interleaved, differed by up to 7 % in event-loop CPU per request through a whole block of pairs
 * (an A/A run read 0.91 with 12 pairs per start, and 1.01 the next time), so more, shorter blocks average that out.
 */
export const PAIRS_PER_START = 4;

export async function interleave(
  start: () => Promise<Contenders>,
  pairs: number,
  settings: LoadSettings,
  foreignCpu: ForeignCpu,
  progress: (line: string) => void,
): Promise<InterleavedResult> {
  const result: InterleavedResult = { ratios: [], baseRps: [], candidateRps: [], baseLoopUs: [], candidateLoopUs: [], notQuiet: 0, disturbed: [] };
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
  { base, candidate }: Contenders,
  from: number,
  to: number,
  pairs: number,
  settings: LoadSettings,
  foreignCpu: ForeignCpu,
  result: InterleavedResult,
  progress: (line: string) => void,
): Promise<void> {
  for (let pair = from; pair < to; pair++) {
    const order = pair % 2 === 0 ? ([base, candidate] as const) : ([candidate, base] as const);
    const measured = new Map<Contender, Turn>();
    for (const contender of order) {
      // Each turn runs alone on a quiet core: both first finish what the last turn left them (the log's
      // drain and index, V8's idle-time GC), then the idle one is frozen, so that none of its background work
      // lands in the other's turn.
      const [quietBase, quietCandidate] = [await quiet(base.pid), await quiet(candidate.pid)];
      if (!quietBase || !quietCandidate) result.notQuiet++;
      const idle = contender === base ? candidate : base;
      if (idle.pid !== undefined) process.kill(idle.pid, 'SIGSTOP');
      try {
        measured.set(contender, await turn(contender, settings, foreignCpu));
      } finally {
        if (idle.pid !== undefined) process.kill(idle.pid, 'SIGCONT');
      }
    }
    const a = measured.get(base)!;
    const b = measured.get(candidate)!;
    result.baseRps.push(a.rps);
    result.candidateRps.push(b.rps);
    if (a.loopUs !== undefined) result.baseLoopUs.push(a.loopUs);
    if (b.loopUs !== undefined) result.candidateLoopUs.push(b.loopUs);
    result.ratios.push(b.rps / a.rps);
    const foreign = Math.max(a.foreignCpus ?? 0, b.foreignCpus ?? 0);
    result.disturbed.push(foreign >= DISTURBED_CPUS);
    const us = (x: number | undefined) => (x === undefined ? '' : `, ${x.toFixed(1)} µs loop/req`);
    const mark = foreign >= DISTURBED_CPUS ? `; DISTURBED: other processes used ${foreign.toFixed(2)} CPU, left out` : '';
    progress(`  pair ${pair + 1} of ${pairs}: ${base.label} ${Math.round(a.rps)} req/s${us(a.loopUs)}; ${candidate.label} ${Math.round(b.rps)} req/s${us(b.loopUs)}; ratio ${(b.rps / a.rps).toFixed(2)}${mark}\n`);
  }
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
