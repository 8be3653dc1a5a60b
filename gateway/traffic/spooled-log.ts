import { startWorker } from '../workers.js';
import { BatchEncoder } from './batch.js';
import { createDrainSignal, drainSignalWriter } from './drain-signal.js';
import type { Exchange } from './exchange.js';
import { createLoopLoadBuffer, loopLoadPublisher } from './loop-load.js';
import { createRedactor, type RedactOptions } from './redact.js';
import { openSpoolWriter, spoolDirFor } from './spool.js';

/**
 * The traffic log as the gateway uses it. The exchanges that ended in a turn of the event loop are redacted and
 * encoded into the current batch (batch.ts) at the end of that turn; every `batchMs` the event loop appends the batch
 * to the spool (spool.ts) in one write, and from then on it survives a crash of the process. The worker is messaged only when it waits for work
 * (drain-signal.ts). The log's worker thread (log-worker.ts), at the lowest CPU priority, drains the spool into
 * indexed SQLite rows and acknowledges them (`onCommitted`); while the event loop is saturated it drains only one
 * batch every 2 s (loop-load.ts), so under load the CPU goes to requests first and the inspector's view of the
 * newest traffic lags instead. On SIGKILL at most the current batch (one batch window) is lost;
 * `close()` loses nothing: what the worker has not drained by then is drained on the next open, or by a reader.
 */

export interface WorkerSetup {
  file: string;
  spoolDir: string;
  /** The event loop's utilisation (loop-load.ts): the worker holds back its drain while requests need the CPU. */
  loopLoad: SharedArrayBuffer;
  /** Whether the worker waits for a message before it reads the spool again (drain-signal.ts). */
  drainSignal: SharedArrayBuffer;
}
export type WorkerRequest = { type: 'spooled' } | { type: 'close'; drainMs: number };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'committed'; count: number; ids: number[] }
  | { type: 'error'; message: string; dropped: number }
  /** Retention deleted old exchanges. */
  | { type: 'trimmed' }
  /** `backlog`: bytes left in the spool for the next drain. */
  | { type: 'closed'; backlog: number };

export interface SpooledTrafficLogOptions {
  /** Longest an exchange waits before it is spooled, after the turn of the event loop it ended in: what a `kill -9` can lose. Default 10 ms. */
  batchMs?: number;
  redact?: RedactOptions;
  /** How long `close()` lets the worker drain the spool before it stops (the rest waits for the next open). Default 3 s. */
  closeDrainMs?: number;
  onError?: (message: string, dropped: number) => void;
  /** Ids (ascending) of exchanges just committed to the database. */
  onCommitted?: (ids: number[]) => void;
  /** Retention deleted old exchanges. */
  onTrimmed?: () => void;
}

export interface SpooledTrafficLogStats {
  appended: number;
  /** Written to the spool: safe from a process crash. */
  spooled: number;
  /** Drained into the database by this log's worker. */
  committed: number;
  /** Lost to a failed spool write (disk full, ...). */
  dropped: number;
}

export interface SpooledTrafficLog {
  /** Queues an exchange to be redacted and encoded into the current batch at the end of this turn of the event loop. */
  append(exchange: Exchange): void;
  /** Secret names to redact from now on (a reloaded design may name others). */
  setRedaction(redact: RedactOptions): void;
  /** Spools what is queued, lets the worker drain (see `closeDrainMs`) and closes the database. */
  close(): Promise<void>;
  stats(): SpooledTrafficLogStats;
}

/** Resolves once the database is open and migrated, so that a broken file fails start-up, not the first request. */
export async function openSpooledTrafficLog(file: string, options: SpooledTrafficLogOptions = {}): Promise<SpooledTrafficLog> {
  const spoolDir = spoolDirFor(file);
  const loopLoad = createLoopLoadBuffer();
  const load = loopLoadPublisher(loopLoad);
  const drainSignal = createDrainSignal();
  const wake = drainSignalWriter(drainSignal);
  const worker = startWorker(import.meta.url, 'log-worker', { workerData: { file, spoolDir, loopLoad, drainSignal } satisfies WorkerSetup });
  const batchMs = options.batchMs ?? 10;
  const counts: SpooledTrafficLogStats = { appended: 0, spooled: 0, committed: 0, dropped: 0 };
  const onError = options.onError ?? warn;
  let redactor = createRedactor(options.redact);
  const batch = new BatchEncoder();
  let timer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;
  let onClosed: (() => void) | undefined;
  let onFailure: ((error: Error) => void) | undefined;

  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the traffic writer stopped (exit code ${code}) before it was ready`)));
    worker.once('message', (message: WorkerReply) => {
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      if (message.type === 'ready') resolve();
      else reject(new Error(`unexpected message from the traffic writer: ${message.type}`));
    });
  });
  const spool = openSpoolWriter(spoolDir);

  worker.on('message', (message: WorkerReply) => {
    if (message.type === 'committed') {
      counts.committed += message.count;
      options.onCommitted?.(message.ids);
    } else if (message.type === 'trimmed') options.onTrimmed?.();
    else if (message.type === 'error') onError(message.message, message.dropped);
    else if (message.type === 'closed') onClosed?.();
  });
  worker.on('error', (error) => {
    onError(error.message, 0);
    onFailure?.(error);
  });
  worker.on('exit', () => onFailure?.(new Error('the traffic writer exited')));
  // The worker must not keep the process alive on its own; close() is how the gateway stops it.
  worker.unref();

  const write = () => {
    timer = undefined;
    encodeEnded();
    const count = batch.length;
    if (count === 0) return;
    try {
      const { records, bodies } = batch.take();
      spool.write(records, bodies);
    } catch (error) {
      counts.dropped += count;
      onError(error instanceof Error ? error.message : String(error), count);
      return;
    }
    counts.spooled += count;
    load.publish();
    if (wake.needsWake()) worker.postMessage({ type: 'spooled' } satisfies WorkerRequest);
  };

  // Exchanges that ended in this turn of the event loop, encoded together at its end (setImmediate), after the
  // turn's responses were written: in a tight loop the encoder's code and data stay warm, where one exchange at a time
  // between requests found them cold (msgpackr's `pack`: 0.50 against 0.84 µs per exchange in `perf`). Held for less
  // than a turn, they rarely live through a young-generation GC.
  const ended: Exchange[] = [];
  let encodeScheduled = false;
  const dropOne = (error: unknown) => {
    counts.dropped++;
    onError(error instanceof Error ? error.message : String(error), 1);
  };
  const encodeEnded = () => {
    batch.addAll(ended, redactor, dropOne);
    ended.length = 0;
  };
  const endOfTurn = () => {
    encodeScheduled = false;
    encodeEnded();
    if (!timer && batch.length > 0) {
      timer = setTimeout(write, batchMs);
      timer.unref();
    }
  };

  return {
    append(exchange) {
      if (closing) return;
      counts.appended++;
      ended.push(exchange);
      if (!encodeScheduled) {
        encodeScheduled = true;
        setImmediate(endOfTurn);
      }
    },
    setRedaction(redact) {
      // Exchanges that ended before are redacted under the old names.
      encodeEnded();
      redactor = createRedactor(redact);
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        if (timer) clearTimeout(timer);
        write();
        spool.close();
        onClosed = resolve;
        onFailure = reject;
        worker.ref();
        worker.postMessage({ type: 'close', drainMs: options.closeDrainMs ?? 3_000 } satisfies WorkerRequest);
      }).finally(() => worker.terminate());
      return closing;
    },
    stats: () => ({ ...counts }),
  };
}

function warn(message: string, dropped: number): void {
  process.emitWarning(`traffic log: ${message} (${dropped} exchanges dropped)`, 'PorticoTrafficWarning');
}
