import { setTimeout as sleep } from 'node:timers/promises';
import { measure, type LoadSettings } from './load.js';
import { perRequest, sampleProcessCpu, type CpuSample } from './thread-cpu.js';

/**
 * One server against another under the same load at the same moments: logging on against logging off, and Portico
 * against a bare http-proxy. On this VM the host's speed moves within seconds (the same gateway runs anywhere between
 * 9k and 21k req/s from one second to the next), so servers measured one after the other, even in alternating 1 s
 * turns, compare the host's moods as much as the servers: a pair of turns read anywhere from 0.54 to 1.71, and two
 * A/A runs of that protocol (the same build on both sides) read 0.91 and 1.01. Here both servers, pinned to the same
 * CPU, take half the connections each, at once, for a round of a few seconds: whatever the host does, it does to
 * both. Each side's speed is its requests per second of its own CPU time (all its threads: the log's worker and V8's
 * helpers count), which is the throughput it would have with the core to itself; the round's ratio is
 * candidate / base, and the figure is the median of the rounds. Before each round both are let finish what the last
 * one left them (the log's drain and index, V8's idle-time GC), so no round is charged for another's leftovers.
 */

export interface Contender {
  /** Short, for the progress lines: "off", "portico". */
  label: string;
  url: string;
  pid: number | undefined;
}

/** Two running servers, warmed up: the base (logging off; bare http-proxy) and the candidate measured against it. */
export interface Contenders {
  base: Contender;
  candidate: Contender;
  stop(): Promise<void>;
}

export interface SideMeasure {
  rps: number;
  requests: number;
  /** µs of CPU per request: the main thread (event loop) and the whole process. */
  loopUs: number;
  processUs: number;
}

export interface Round {
  base: SideMeasure;
  candidate: SideMeasure;
  /** Candidate speed / base speed, speed being requests per CPU second of the whole process. */
  ratio: number;
  /** Other processes' CPU (and the hypervisor's steal) during the round, when /proc tells. */
  foreignCpus: number | undefined;
}

export interface SideBySideResult {
  rounds: Round[];
  /** Rounds that began before both servers were quiet (15 s at most is waited for each). */
  notQuiet: number;
  /** Rounds in which /proc could not give both servers' CPU (not Linux): no ratio. */
  unmeasured: number;
}

/**
 * Other processes' CPU (and the hypervisor's steal) during a round from which it does not count. A neighbour's test
 * run or build on this 2-CPU machine took up to half a CPU at times; background daemons take well under 1 %.
 */
export const DISTURBED_CPUS = 0.05;

export const disturbed = (round: { foreignCpus: number | undefined }) => (round.foreignCpus ?? 0) >= DISTURBED_CPUS;

/** Measures other processes' CPU plus steal over a stretch of time: call, run, call the result (undefined off Linux). */
export type ForeignCpu = () => () => number | undefined;

/**
 * Rounds per pair of processes. A process keeps its speed for its life (two gateways of the same build differed by
 * up to 7 % through a whole block of 12 interleaved pairs), and a Node 20 server under this load turns ~10 % slower
 * for good after ~100 s (`process.nextTick` deoptimised: bench/README.md): fresh processes every few rounds average
 * the first out and stay clear of the second.
 */
export const ROUNDS_PER_START = 4;

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

function side(before: CpuSample | undefined, after: CpuSample | undefined, rps: number, requests: number): SideMeasure | undefined {
  const cpu = perRequest(before, after, requests);
  return cpu && { rps, requests, loopUs: cpu.mainUs, processUs: cpu.processUs };
}

export async function sideBySide(
  start: () => Promise<Contenders>,
  rounds: number,
  settings: LoadSettings,
  foreignCpu: ForeignCpu,
  progress: (line: string) => void,
): Promise<SideBySideResult> {
  const result: SideBySideResult = { rounds: [], notQuiet: 0, unmeasured: 0 };
  const half: LoadSettings = { ...settings, connections: Math.max(1, Math.round(settings.connections / 2)) };
  for (let first = 0; first < rounds; first += ROUNDS_PER_START) {
    const { base, candidate, stop } = await start();
    try {
      for (let n = first; n < Math.min(rounds, first + ROUNDS_PER_START); n++) {
        const [quietBase, quietCandidate] = [await quiet(base.pid), await quiet(candidate.pid)];
        if (!quietBase || !quietCandidate) result.notQuiet++;
        const before = [sampleProcessCpu(base.pid), sampleProcessCpu(candidate.pid)] as const;
        const foreign = foreignCpu();
        const [a, b] = await Promise.all([measure(base.url, half), measure(candidate.url, half)]);
        const foreignCpus = foreign();
        const after = [sampleProcessCpu(base.pid), sampleProcessCpu(candidate.pid)] as const;
        const baseSide = side(before[0], after[0], a.requestsPerSec, a.total);
        const candidateSide = side(before[1], after[1], b.requestsPerSec, b.total);
        if (!baseSide || !candidateSide) {
          result.unmeasured++;
          progress(`  round ${n + 1} of ${rounds}: ${base.label} ${Math.round(a.requestsPerSec)} req/s; ${candidate.label} ${Math.round(b.requestsPerSec)} req/s; no CPU figures (/proc), no ratio\n`);
          continue;
        }
        const round: Round = { base: baseSide, candidate: candidateSide, ratio: baseSide.processUs / candidateSide.processUs, foreignCpus };
        result.rounds.push(round);
        const describe = (label: string, s: SideMeasure) => `${label} ${Math.round(s.rps)} req/s, ${s.processUs.toFixed(1)} µs/req (loop ${s.loopUs.toFixed(1)})`;
        const mark = disturbed(round) ? `; DISTURBED: other processes used ${foreignCpus!.toFixed(2)} CPU, left out` : '';
        progress(`  round ${n + 1} of ${rounds}: ${describe(base.label, baseSide)}; ${describe(candidate.label, candidateSide)}; ratio ${round.ratio.toFixed(3)}${mark}\n`);
      }
    } finally {
      await stop();
    }
  }
  return result;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
