import { startWorker } from '../workers.js';
import type { CapturedBody, Exchange } from './exchange.js';
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
/**
 * A batch crosses to the writer as JSON text plus one transferred buffer holding every body: each body's `bytes` is
 * `[offset, length]` into `bodies`. Measured on the gateway under load, posting the exchanges as objects (structured
 * clone) took 8.2 µs of the event loop per exchange.
 */
export type WorkerRequest = { type: 'batch'; json: string; bodies: ArrayBuffer } | { type: 'close' };
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
    const { json, bodies } = encodeBatch(exchanges);
    worker.postMessage({ type: 'batch', json, bodies } satisfies WorkerRequest, [bodies]);
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

/** See `WorkerRequest`. The log owns the exchanges, so their bodies are replaced in place. */
export function encodeBatch(exchanges: Exchange[]): { json: string; bodies: ArrayBuffer } {
  let total = 0;
  for (const e of exchanges) total += (e.requestBody?.bytes.length ?? 0) + (e.responseBody?.bytes.length ?? 0);
  const bodies = new Uint8Array(total);
  let offset = 0;
  const place = (body: CapturedBody | undefined) => {
    if (!body) return;
    const bytes = body.bytes;
    bodies.set(bytes, offset);
    (body as unknown as { bytes: [number, number] }).bytes = [offset, bytes.length];
    offset += bytes.length;
  };
  for (const e of exchanges) {
    place(e.requestBody);
    place(e.responseBody);
  }
  return { json: JSON.stringify(exchanges), bodies: bodies.buffer };
}

/** The writer's side of `encodeBatch`. */
export function decodeBatch(json: string, bodies: ArrayBuffer): Exchange[] {
  const exchanges = JSON.parse(json) as Exchange[];
  const view = (body: CapturedBody | undefined) => {
    if (!body) return;
    const [offset, length] = body.bytes as unknown as [number, number];
    body.bytes = Buffer.from(bodies, offset, length);
  };
  for (const e of exchanges) {
    view(e.requestBody);
    view(e.responseBody);
  }
  return exchanges;
}

function warn(message: string, dropped: number): void {
  process.emitWarning(`traffic log: ${message} (${dropped} exchanges dropped)`, 'PorticoTrafficWarning');
}
