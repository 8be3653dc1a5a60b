import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openTrafficDb } from './db.js';
import { enforceRetention, indexPending } from './maintenance.js';
import { openTrafficLog } from './writer.js';
import { decodeBatch, type WorkerReply, type WorkerRequest, type WorkerSetup } from './threaded-log.js';

/**
 * The traffic writer's thread: every batch the gateway posts is committed in one transaction, then acknowledged.
 * Between batches, once the gateway has been idle for `IDLE_MS`, it checkpoints the WAL and builds the full-text index
 * in small slices; every `RETENTION_EVERY_MS` it applies the retention caps. Under load none of this delays a commit:
 * during load the WAL is checkpointed only every `CHECKPOINT_EVERY_EXCHANGES`.
 */

const IDLE_MS = 100;
const SLICE_MS = 25;
const RETENTION_EVERY_MS = 60_000;
/** About 60 MB of WAL at the ~1.2 KB a typical exchange takes with its index entries. */
const CHECKPOINT_EVERY_EXCHANGES = 50_000;

const setup = workerData as WorkerSetup;
const port = parentPort!;
pinThisThread(process.env.PORTICO_LOG_CPUS);
let failed = 0;
let lastIds: number[] = [];
const log = openTrafficLog(setup.file, {
  batchMs: 1_000_000, // never by timer: each posted batch is flushed at once
  autoCheckpoint: false,
  ...(setup.redact && { redact: setup.redact }),
  onCommitted: (ids) => (lastIds = ids),
  onError: (error, dropped) => {
    failed += dropped;
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error), dropped } satisfies WorkerReply);
  },
});
// Index and retention work on their own connection, so the log's prepared statements stay untouched.
const maintenance = openTrafficDb(setup.file);
port.postMessage({ type: 'ready' } satisfies WorkerReply);

let lastBatchAt = 0;
let closed = false;
/** Exchanges (or index slices) written since the last checkpoint. */
let uncheckpointed = 0;
const idleWork = setInterval(() => {
  if (closed || performance.now() - lastBatchAt < IDLE_MS) return;
  const until = performance.now() + SLICE_MS;
  try {
    if (uncheckpointed > 0) checkpoint();
    while (performance.now() < until && indexPending(maintenance, 200) > 0) uncheckpointed++;
  } catch (error) {
    report(error);
  }
}, IDLE_MS);

function checkpoint(): void {
  maintenance.pragma('wal_checkpoint(PASSIVE)');
  uncheckpointed = 0;
}
const retention = setInterval(() => {
  try {
    if (enforceRetention(maintenance) > 0) port.postMessage({ type: 'trimmed' } satisfies WorkerReply);
  } catch (error) {
    report(error);
  }
}, RETENTION_EVERY_MS);

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'batch') {
    lastBatchAt = performance.now();
    const exchanges = decodeBatch(message.json, message.bodies);
    for (const exchange of exchanges) log.append(exchange);
    commit();
    uncheckpointed += exchanges.length;
    // Under sustained load there is no idle time: bound the WAL (and the time a reader needs to scan it).
    if (uncheckpointed >= CHECKPOINT_EVERY_EXCHANGES) checkpoint();
    return;
  }
  closed = true;
  clearInterval(idleWork);
  clearInterval(retention);
  commit();
  log.close();
  maintenance.close();
  port.postMessage({ type: 'closed' } satisfies WorkerReply);
  port.close();
});

function commit(): void {
  const before = log.stats().committed;
  lastIds = [];
  try {
    log.flush();
  } catch (error) {
    const dropped = log.stats().dropped - failed;
    failed += dropped;
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error), dropped } satisfies WorkerReply);
    return;
  }
  const committed = log.stats().committed - before;
  if (committed > 0) port.postMessage({ type: 'committed', count: committed, ids: lastIds } satisfies WorkerReply);
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
