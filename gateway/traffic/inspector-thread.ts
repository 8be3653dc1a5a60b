import { startWorker } from '../workers.js';
import { FilterError } from './filter.js';
import type { InspectorOp, InspectorOps } from './inspector-ops.js';
import type { RedactOptions } from './redact.js';

/**
 * The traffic inspector's queries, run on a worker thread with its own connection to the log (created and migrated
 * when missing): a dashboard over a million rows must not stall the gateway that shares this process.
 * Calls are answered in order; a failed query rejects with its message (`FilterError` for a bad filter).
 */

export interface InspectorSetup {
  file: string;
  /** Portico's version, for HAR's `creator`. */
  version: string;
  redact?: RedactOptions;
}
export type InspectorRequest = { id: number; op: InspectorOp | 'close'; args?: unknown };
export type InspectorReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; filterAt?: number };

type Args<O extends InspectorOp> = Parameters<InspectorOps[O]> extends [unknown, infer A] ? A : undefined;
type Value<O extends InspectorOp> = ReturnType<InspectorOps[O]>;

export interface TrafficInspector {
  readonly file: string;
  run<O extends InspectorOp>(op: O, ...args: Args<O> extends undefined ? [] : [Args<O>]): Promise<Value<O>>;
  close(): Promise<void>;
}

export async function openTrafficInspector(setup: InspectorSetup): Promise<TrafficInspector> {
  const worker = startWorker(import.meta.url, 'inspector-worker', { workerData: setup });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;

  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => {
      worker.removeListener('error', reject);
      resolve();
    });
  });
  worker.on('message', (reply: InspectorReply) => {
    const call = pending.get(reply.id);
    if (!call) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.ok) call.resolve(reply.value);
    else call.reject(reply.filterAt === undefined ? new Error(reply.message) : new FilterError(reply.message, reply.filterAt));
  });
  const failAll = (error: Error) => {
    failure = error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the traffic inspector's thread stopped (exit code ${code})`)));
  worker.unref();

  const send = (op: InspectorRequest['op'], args?: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      // Referenced only while a call waits: an idle inspector must not keep the process alive.
      worker.ref();
      worker.postMessage({ id, op, args } satisfies InspectorRequest);
    });

  let closing: Promise<void> | undefined;
  return {
    file: setup.file,
    run: ((op: InspectorOp, args?: unknown) => send(op, args)) as TrafficInspector['run'],
    close() {
      closing ??= send('close')
        .catch(() => undefined)
        .then(() => worker.terminate())
        .then(() => undefined);
      return closing;
    },
  };
}
