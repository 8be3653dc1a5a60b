import { parentPort, workerData } from 'node:worker_threads';
import { openTrafficDb } from './db.js';
import { drainSpoolOf } from './spool-drain.js';
import { FilterError } from './filter.js';
import { inspectorOps, type InspectorContext, type InspectorOp } from './inspector-ops.js';
import type { InspectorReply, InspectorRequest, InspectorSetup } from './inspector-thread.js';

/** The inspector's thread: runs one query at a time on its own connection and answers with the result. */

const setup = workerData as InspectorSetup;
const port = parentPort!;
// A spool a crashed gateway left is drained first, so the inspector shows every exchange it acknowledged.
drainSpoolOf(setup.file);
const ctx: InspectorContext = { db: openTrafficDb(setup.file), file: setup.file, version: setup.version, ...(setup.redact && { redact: setup.redact }) };

port.on('message', (message: InspectorRequest) => {
  if (message.op === 'close') {
    ctx.db.close();
    port.postMessage({ id: message.id, ok: true, value: null } satisfies InspectorReply);
    port.close();
    return;
  }
  try {
    const op = inspectorOps[message.op as InspectorOp] as (c: InspectorContext, args: unknown) => unknown;
    if (!op) throw new Error(`unknown inspector operation ${message.op}`);
    port.postMessage({ id: message.id, ok: true, value: op(ctx, message.args) } satisfies InspectorReply);
  } catch (error) {
    port.postMessage({
      id: message.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof FilterError && { filterAt: error.at }),
    } satisfies InspectorReply);
  }
});
port.postMessage({ id: 0, ok: true, value: 'ready' } satisfies InspectorReply);
