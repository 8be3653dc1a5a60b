import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThisThreadsPriority } from '../workers.js';
import { openTrafficDb } from './db.js';
import { drainSignalReader } from './drain-signal.js';
import { drainPause, drainStepBytes, loopLoadReader, msSinceLoopPublished } from './loop-load.js';
import { enforceRetention, indexPending } from './maintenance.js';
import { openSpoolDrain } from './spool-drain.js';
import { deleteDrainedSegments } from './spool.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './spooled-log.js';

/**
 * The traffic log's worker thread: drains the spool into indexed rows whenever the gateway wrote to it, and
 * acknowledges each committed step. It runs at the lowest CPU priority (Linux keeps it per thread), and while the
 * gateway's event loop is saturated it drains only one spool batch every `BUSY_STEP_EVERY_MS` (loop-load.ts): on a
 * busy core nice 19 alone still took ~6 % of the CPU from requests. Once the gateway has been idle for `IDLE_MS` and the
 * spool is drained, it checkpoints the WAL and builds the full-text index in small slices; every
 * `RETENTION_EVERY_MS` it applies the retention caps. Under sustained load the WAL is checkpointed every
 * `CHECKPOINT_EVERY_EXCHANGES`.
 */

const IDLE_MS = 100;
const SLICE_MS = 25;
const RETENTION_EVERY_MS = 60_000;
/** About 60 MB of WAL at the ~1.2 KB a typical exchange takes with its index entries. */
const CHECKPOINT_EVERY_EXCHANGES = 50_000;

const setup = workerData as WorkerSetup;
const port = parentPort!;
lowerThisThreadsPriority('traffic log');
pinThisThread(process.env.PORTICO_LOG_CPUS);
const db = openTrafficDb(setup.file);
// Truncate the WAL back to this size after a burst made it grow; checkpoints are this thread's, never a commit's.
db.pragma('journal_size_limit = 67108864');
db.pragma('wal_autocheckpoint = 0');
const drain = openSpoolDrain(db, setup.spoolDir);
const loopLoad = loopLoadReader(setup.loopLoad);
const sinceLastWrite = msSinceLoopPublished(setup.loopLoad);
const signal = drainSignalReader(setup.drainSignal);
port.postMessage({ type: 'ready' } satisfies WorkerReply);

let lastStepAt = 0;
let draining = false;
/** The spool looked empty once and the gateway has been told to wake this thread: one more look decides. */
let lastLook = false;
let closed = false;
let skippedReported = 0;
/** Exchanges (or index slices) written since the last checkpoint. */
let uncheckpointed = 0;

/** One step per turn of this thread's event loop, so that a `close` is seen between steps. */
function drainSome(): void {
  if (closed) return;
  draining = true;
  const load = loopLoad();
  const pause = drainPause(load, performance.now() - lastStepAt);
  if (pause > 0) {
    setTimeout(drainSome, pause);
    return;
  }
  lastStepAt = performance.now();
  let ids: number[] | undefined;
  try {
    ids = drain.step(drainStepBytes(load));
  } catch (error) {
    draining = false;
    report(error);
    return;
  }
  reportSkipped();
  if (ids === undefined) {
    if (lastLook) {
      lastLook = false;
      draining = false;
      return;
    }
    // Say so before looking again: a batch spooled after that look will send a message (drain-signal.ts).
    signal.waiting();
    lastLook = true;
    setImmediate(drainSome);
    return;
  }
  if (lastLook) {
    lastLook = false;
    signal.working();
  }
  if (ids.length > 0) {
    uncheckpointed += ids.length;
    port.postMessage({ type: 'committed', count: ids.length, ids } satisfies WorkerReply);
  }
  if (uncheckpointed >= CHECKPOINT_EVERY_EXCHANGES) checkpoint();
  setImmediate(drainSome);
}
// A spool left by a previous run (a crash, or a close that ran out of time) is drained first.
drainSome();

const idleWork = setInterval(() => {
  if (closed || draining || sinceLastWrite() < IDLE_MS) return;
  const until = performance.now() + SLICE_MS;
  try {
    if (uncheckpointed > 0) checkpoint();
    while (performance.now() < until && indexPending(db, 200) > 0) uncheckpointed++;
  } catch (error) {
    report(error);
  }
}, IDLE_MS);

function checkpoint(): void {
  db.pragma('wal_checkpoint(PASSIVE)');
  uncheckpointed = 0;
}
const retention = setInterval(() => {
  try {
    if (enforceRetention(db) > 0) port.postMessage({ type: 'trimmed' } satisfies WorkerReply);
  } catch (error) {
    report(error);
  }
}, RETENTION_EVERY_MS);

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'spooled') {
    if (!draining) drainSome();
    return;
  }
  closed = true;
  clearInterval(idleWork);
  clearInterval(retention);
  let backlog = 0;
  try {
    const deadline = performance.now() + message.drainMs;
    for (;;) {
      const ids = drain.step();
      if (ids === undefined) break;
      if (ids.length > 0) port.postMessage({ type: 'committed', count: ids.length, ids } satisfies WorkerReply);
      if (performance.now() > deadline) break;
    }
    reportSkipped();
    backlog = drain.backlog();
    // The gateway's spool writer is closed: a drained spool is removed rather than left as a copy of the rows.
    if (backlog === 0) deleteDrainedSegments(setup.spoolDir, { segment: Number.POSITIVE_INFINITY, offset: 0 });
    db.close();
  } catch (error) {
    report(error);
  }
  port.postMessage({ type: 'closed', backlog } satisfies WorkerReply);
  port.close();
});

function reportSkipped(): void {
  if (drain.skipped === skippedReported) return;
  const lost = drain.skipped - skippedReported;
  skippedReported = drain.skipped;
  port.postMessage({ type: 'error', message: `${lost} damaged spool record(s) skipped`, dropped: 0 } satisfies WorkerReply);
}

function report(error: unknown): void {
  port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error), dropped: 0 } satisfies WorkerReply);
}

/**
 * PORTICO_LOG_CPUS=2-3 (Linux): run this thread on those CPUs, away from the event loop's, like nginx's
 * worker_cpu_affinity. Linux keeps CPU affinity per thread, so `taskset` on this thread's id moves only the writer.
 */
function pinThisThread(cpus: string | undefined): void {
  if (!cpus || process.platform !== 'linux') return;
  try {
    const tid = readlinkSync('/proc/thread-self').split('/').at(-1)!;
    const result = spawnSync('taskset', ['-p', '-c', cpus, tid], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr || result.error?.message || `taskset exit ${result.status}`);
  } catch (error) {
    process.emitWarning(`traffic log: PORTICO_LOG_CPUS=${cpus} ignored: ${(error as Error).message.trim()}`, 'PorticoTrafficWarning');
  }
}
