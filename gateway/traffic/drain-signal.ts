/**
 * Whether the log's worker needs to be told that the spool grew. The event loop writes the spool every batch window
 * (100 times a second under load); a message each time wakes the worker that often, and on a saturated core those
 * wake-ups cost the requests ~1.5 % of it, though the worker is already draining (or holding back, loop-load.ts)
 * and would read the new batches anyway. With this flag the event loop posts only when the worker has said it is
 * waiting for work, once per stretch of traffic.
 *
 * Lost wake-ups are avoided by the order on the worker's side: it says it waits *before* it looks at the spool one
 * last time, so a batch written in between is either found by that look or finds the flag set and sends a message.
 */

const WORKING = 0;
const WAITING = 1;

export function createDrainSignal(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** The event loop's side: after each spool write, `needsWake()` says whether to message the worker. */
export function drainSignalWriter(buffer: SharedArrayBuffer): { needsWake(): boolean } {
  const cell = new Int32Array(buffer);
  return { needsWake: () => Atomics.exchange(cell, 0, WORKING) === WAITING };
}

/** The worker's side: `waiting()` before its last look at an empty spool, `working()` when that look found more. */
export function drainSignalReader(buffer: SharedArrayBuffer): { waiting(): void; working(): void } {
  const cell = new Int32Array(buffer);
  return {
    waiting: () => Atomics.store(cell, 0, WAITING),
    working: () => Atomics.store(cell, 0, WORKING),
  };
}
