import { measure, warmUp, type LoadSettings } from './load.js';
import { disturbed, type ForeignCpu } from './side-by-side.js';
import { perRequest, sampleProcessCpu } from './thread-cpu.js';

/**
 * Two servers compared by their throughput, each alone on the system-under-test CPU: a fresh process of one, warmed
 * up and measured, stopped; then a fresh process of the other; over many pairs, their order alternating (AB, BA, ...),
 * and the figure is the median of the pairs' ratios of requests per second. This is the throughput a user gets, as in
 * the bench's separate rows, with the host's slower swings cancelled by the pairing and the median. The side-by-side
 * protocol (side-by-side.ts) measures instead what each server's requests cost in CPU while the two share one core,
 * which is steadier from round to round but charges the server with the larger working set for sharing its caches
 * with the other (docs/logging-cost.md, eleventh session).
 */

export interface Starter {
  /** Short, for the progress lines: "off", "on". */
  label: string;
  /** A fresh server, listening; `stop` ends it and resolves once it has exited. */
  start(run: number): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }>;
}

export interface SingleRun {
  rps: number;
  requests: number;
  /** µs of CPU per request: the main thread (event loop) and the whole process; undefined off Linux. */
  loopUs: number | undefined;
  processUs: number | undefined;
  /** Other processes' CPU (and the hypervisor's steal) during the measured run, when /proc tells. */
  foreignCpus: number | undefined;
}

export interface Pair {
  base: SingleRun;
  candidate: SingleRun;
  /** Candidate requests/s over base requests/s. */
  ratio: number;
  /** The larger of the two runs' foreign CPU: a pair is as disturbed as its worse run. */
  foreignCpus: number | undefined;
}

export interface AlternatedResult {
  pairs: Pair[];
}

async function singleRun(starter: Starter, run: number, settings: LoadSettings, foreignCpu: ForeignCpu): Promise<SingleRun> {
  const server = await starter.start(run);
  try {
    await warmUp(server.url, settings);
    const before = sampleProcessCpu(server.pid);
    const foreign = foreignCpu();
    const load = await measure(server.url, settings);
    const foreignCpus = foreign();
    const after = sampleProcessCpu(server.pid);
    if (load.total === 0 || load.errors + load.timeouts > 0 || load.non2xx > 0) {
      throw new Error(`${starter.label}: ${load.total} requests, ${load.errors} errors, ${load.timeouts} timeouts, ${load.non2xx} non-2xx`);
    }
    const cpu = perRequest(before, after, load.total);
    return { rps: load.requestsPerSec, requests: load.total, loopUs: cpu?.mainUs, processUs: cpu?.processUs, foreignCpus };
  } finally {
    await server.stop();
  }
}

export async function alternated(
  base: Starter,
  candidate: Starter,
  pairs: number,
  settings: LoadSettings,
  foreignCpu: ForeignCpu,
  progress: (line: string) => void,
): Promise<AlternatedResult> {
  const result: AlternatedResult = { pairs: [] };
  for (let n = 0; n < pairs; n++) {
    // AB, BA, AB, ...: a slow drift of the host favours neither side.
    const [first, second] = n % 2 === 0 ? [base, candidate] : [candidate, base];
    const a = await singleRun(first, n, settings, foreignCpu);
    const b = await singleRun(second, n, settings, foreignCpu);
    const [baseRun, candidateRun] = first === base ? [a, b] : [b, a];
    const foreignCpus = a.foreignCpus === undefined || b.foreignCpus === undefined ? undefined : Math.max(a.foreignCpus, b.foreignCpus);
    const pair: Pair = { base: baseRun, candidate: candidateRun, ratio: candidateRun.rps / baseRun.rps, foreignCpus };
    result.pairs.push(pair);
    const describe = (label: string, r: SingleRun) =>
      `${label} ${Math.round(r.rps)} req/s${r.processUs === undefined ? '' : `, ${r.processUs.toFixed(1)} µs/req (loop ${r.loopUs!.toFixed(1)})`}`;
    const mark = disturbed(pair) ? `; DISTURBED: other processes used ${foreignCpus!.toFixed(2)} CPU, left out` : '';
    progress(`  pair ${n + 1} of ${pairs} (${first.label} first): ${describe(base.label, baseRun)}; ${describe(candidate.label, candidateRun)}; ratio ${pair.ratio.toFixed(3)}${mark}\n`);
  }
  return result;
}
