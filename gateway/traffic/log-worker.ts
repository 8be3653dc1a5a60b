import { parentPort, workerData } from 'node:worker_threads';
import type { Exchange } from './exchange.js';
import { openTrafficLog } from './writer.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './threaded-log.js';

/** The traffic writer's thread: every batch the gateway posts is committed in one transaction, then acknowledged. */

const setup = workerData as WorkerSetup;
const port = parentPort!;
let failed = 0;
const log = openTrafficLog(setup.file, {
  batchMs: 1_000_000, // never by timer: each posted batch is flushed at once
  ...(setup.redact && { redact: setup.redact }),
  onError: (error, dropped) => {
    failed += dropped;
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error), dropped } satisfies WorkerReply);
  },
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'batch') {
    for (const exchange of message.exchanges as Exchange[]) log.append(exchange);
    commit();
    return;
  }
  commit();
  log.close();
  port.postMessage({ type: 'closed' } satisfies WorkerReply);
  port.close();
});

function commit(): void {
  const before = log.stats().committed;
  try {
    log.flush();
  } catch (error) {
    const dropped = log.stats().dropped - failed;
    failed += dropped;
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error), dropped } satisfies WorkerReply);
    return;
  }
  const committed = log.stats().committed - before;
  if (committed > 0) port.postMessage({ type: 'committed', count: committed } satisfies WorkerReply);
}
