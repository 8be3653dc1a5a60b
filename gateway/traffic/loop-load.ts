import { performance } from 'node:perf_hooks';

/**
 * How busy the gateway's event loop is, shared with the log's worker through a SharedArrayBuffer so the worker can
 * hold back its drain while requests need the CPU. Nice 19 alone is not enough: on a saturated core the drain still
 * took ~6 % of it (the event loop waits on sockets for moments the kernel hands to the worker), which came out of
 * requests. The spool is already durable, so holding back only delays when the inspector sees the rows.
 */

const LOAD = 0;
const STAMP = 1;
/** Past this, a figure is stale: the event loop stopped publishing because no traffic came. */
const FRESH_MS = 200;
/** Event-loop utilisation (per mille) from which the loop counts as saturated. */
export const BUSY_PER_MILLE = 800;
/**
 * While the loop is saturated the worker drains one step this often, so the inspector still moves. A step (~5 ms)
 * every 500 ms took ~1 % of the saturated core from requests (per-thread CPU from /proc); every 2 s, ~0.25 %.
 */
export const BUSY_STEP_EVERY_MS = 2_000;
/**
 * What such a step may read: the least a step reads, one spool batch (~10 ms of traffic). Steps of 256 KB every 2 s
 * cost a saturated gateway ~2 % of its throughput side by side (tenth session, against holding back entirely), for
 * rows the inspector shows late anyway: the drain takes the oldest first.
 */
export const BUSY_STEP_BYTES = 1;

export function createLoopLoadBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/** The wall clock in ms, folded into an int32 (wraps every ~12 days; only differences are used). */
const stamp = () => Date.now() % 1_000_000_000;

/** The event loop's side: `publish()` records its utilisation since the previous call. */
export function loopLoadPublisher(buffer: SharedArrayBuffer): { publish(): void } {
  const cells = new Int32Array(buffer);
  let last = performance.eventLoopUtilization();
  return {
    publish() {
      const now = performance.eventLoopUtilization();
      const since = performance.eventLoopUtilization(now, last);
      last = now;
      Atomics.store(cells, LOAD, Math.round(since.utilization * 1000));
      Atomics.store(cells, STAMP, stamp());
    },
  };
}

/** The worker's side: the last utilisation published (per mille), or 0 when none is recent. */
export function loopLoadReader(buffer: SharedArrayBuffer): () => number {
  const cells = new Int32Array(buffer);
  return () => (ageOf(cells) <= FRESH_MS ? Atomics.load(cells, LOAD) : 0);
}

/** The worker's side: ms since the event loop last published, which it does at each spool write. */
export function msSinceLoopPublished(buffer: SharedArrayBuffer): () => number {
  const cells = new Int32Array(buffer);
  return () => ageOf(cells);
}

const ageOf = (cells: Int32Array) => (stamp() - Atomics.load(cells, STAMP) + 1_000_000_000) % 1_000_000_000;

/**
 * How long the drain should wait before its next step: 0 to go on now. A saturated loop gets one step every
 * `BUSY_STEP_EVERY_MS`; otherwise the drain runs freely.
 */
export function drainPause(loadPerMille: number, msSinceLastStep: number): number {
  if (loadPerMille < BUSY_PER_MILLE) return 0;
  return Math.max(0, BUSY_STEP_EVERY_MS - msSinceLastStep);
}

/** The most a drain step may read: `BUSY_STEP_BYTES` while the loop is saturated, else the drain's own default. */
export function drainStepBytes(loadPerMille: number): number | undefined {
  return loadPerMille < BUSY_PER_MILLE ? undefined : BUSY_STEP_BYTES;
}
