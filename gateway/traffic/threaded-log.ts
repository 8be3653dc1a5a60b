import { startWorker } from '../workers.js';
import type { Exchange } from './exchange.js';
import type { RedactOptions } from './redact.js';

/**
 * The traffic log as the gateway uses it: SQLite runs on its own thread, so inserts, redaction, hashing and
 * checkpoints never take the event loop. The request path only queues; every `batchMs` the queue is posted to
 * the writer thread, which commits it in one transaction and acknowledges it. On SIGKILL at most the last
 * window (the queue plus the batch in flight) is lost; `close()` loses nothing.
 */

export interface WorkerSetup {
  file: string;
  redact?: RedactOptions;
}
export type WorkerRequest = { type: 'batch'; exchanges: Exchange[] } | { type: 'close' };
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'committed'; count: number; ids: number[] }
  | { type: 'error'; message: string; dropped: number }
  /** Retention deleted old exchanges. */
  | { type: 'trimmed' }
  | { type: 'closed' };

export interface ThreadedTrafficLogOptions {
  /** Longest an exchange waits before it is posted to the writer. Default 10 ms. */
  batchMs?: number;
  redact?: RedactOptions;
  onError?: (message: string, dropped: number) => void;
  /** Ids (ascending) of exchanges just committed. */
  onCommitted?: (ids: number[]) => void;
  /** Retention deleted old exchanges. */
  onTrimmed?: () => void;
}

export interface ThreadedTrafficLog {
  /** Queues an exchange; the log owns it from now on. */
  append(exchange: Exchange): void;
  /** Posts what is queued, waits until the writer committed everything and closed the database. */
  close(): Promise<void>;
  stats(): { appended: number; committed: number; dropped: number };
}

/** Resolves once the database is open and migrated, so that a broken file fails start-up, not the first request. */
export async function openThreadedTrafficLog(file: string, options: ThreadedTrafficLogOptions = {}): Promise<ThreadedTrafficLog> {
  const setup: WorkerSetup = { file, ...(options.redact && { redact: options.redact }) };
  const worker = startWorker(import.meta.url, 'log-worker', { workerData: setup });
  const batchMs = options.batchMs ?? 10;
  const counts = { appended: 0, committed: 0, dropped: 0 };
  let queue: Exchange[] = [];
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

  worker.on('message', (message: WorkerReply) => {
    if (message.type === 'committed') {
      counts.committed += message.count;
      options.onCommitted?.(message.ids);
    } else if (message.type === 'trimmed') options.onTrimmed?.();
    else if (message.type === 'error') {
      counts.dropped += message.dropped;
      (options.onError ?? warn)(message.message, message.dropped);
    } else if (message.type === 'closed') onClosed?.();
  });
  worker.on('error', (error) => {
    (options.onError ?? warn)(error.message, queue.length);
    onFailure?.(error);
  });
  worker.on('exit', () => onFailure?.(new Error('the traffic writer exited')));
  // The writer must not keep the process alive on its own; close() is how the gateway stops it.
  worker.unref();

  const post = () => {
    timer = undefined;
    if (queue.length === 0) return;
    const exchanges = queue;
    queue = [];
    worker.postMessage({ type: 'batch', exchanges } satisfies WorkerRequest);
  };

  return {
    append(exchange) {
      if (closing) return;
      queue.push(exchange);
      counts.appended++;
      if (!timer) {
        timer = setTimeout(post, batchMs);
        timer.unref();
      }
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        if (timer) clearTimeout(timer);
        post();
        onClosed = resolve;
        onFailure = reject;
        worker.ref();
        worker.postMessage({ type: 'close' } satisfies WorkerRequest);
      }).finally(() => worker.terminate());
      return closing;
    },
    stats: () => ({ ...counts }),
  };
}

function warn(message: string, dropped: number): void {
  process.emitWarning(`traffic log: ${message} (${dropped} exchanges dropped)`, 'PorticoTrafficWarning');
}
