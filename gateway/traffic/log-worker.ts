import { parentPort, workerData } from 'node:worker_threads';
import { openTrafficDb } from './db.js';
import type { Exchange } from './exchange.js';
import { enforceRetention, indexPending } from './maintenance.js';
import { openTrafficLog } from './writer.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './threaded-log.js';

/**
 * The traffic writer's thread: every batch the gateway posts is committed in one transaction, then acknowledged.
 * Between batches, once the gateway has been idle for `IDLE_MS`, it builds the full-text index in small slices, and
 * every `RETENTION_EVERY_MS` it applies the retention caps: neither ever delays a commit under load.
 */

const IDLE_MS = 100;
const SLICE_MS = 25;
const RETENTION_EVERY_MS = 60_000;

const setup = workerData as WorkerSetup;
const port = parentPort!;
let failed = 0;
let lastIds: number[] = [];
const log = openTrafficLog(setup.file, {
  batchMs: 1_000_000, // never by timer: each posted batch is flushed at once
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
const idleWork = setInterval(() => {
  if (closed || performance.now() - lastBatchAt < IDLE_MS) return;
  const until = performance.now() + SLICE_MS;
  try {
    while (performance.now() < until && indexPending(maintenance, 200) > 0);
  } catch (error) {
    report(error);
  }
}, IDLE_MS);
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
    for (const exchange of message.exchanges as Exchange[]) log.append(exchange);
    commit();
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
