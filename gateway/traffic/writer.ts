import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import { openTrafficDb, type Db } from './db.js';
import { hash } from 'node:crypto';
import { MinuteAggregator } from './aggregates.js';
import { flattenHeaders, type CapturedBody, type Exchange } from './exchange.js';
import { createRedactor, type RedactOptions, type Redactor } from './redact.js';

/**
 * A traffic writer on the calling thread: `append` only queues; a timer commits the queue in one transaction at
 * most every `batchMs`. An exchange counts as logged (`stats().committed`, `onCommitted`) only once its transaction
 * has committed. Imports and replays use it; the gateway's request path uses the spool (spooled-log.ts), whose drain
 * shares this module's row insert (`createExchangeInserter`).
 *
 * Measured with test-support/bench-writer.ts on a 2-core VM: append alone ~0.05 µs; append + redaction + its share
 * of a 100-row commit ~11-13 µs per exchange when the machine is quiet (~80k rows/s). The commit that crosses SQLite's
 * auto-checkpoint (1000 WAL pages, ~3.5k exchanges) takes 12-19 ms instead of <1 ms, which is why the log's worker
 * turns auto-checkpoints off and checkpoints when idle.
 */

export interface TrafficLogOptions {
  /** Longest an exchange waits in the queue before its commit. Default 10 ms. */
  batchMs?: number;
  /** Extra names to redact, e.g. the design's apiKey header and query names. */
  redact?: RedactOptions;
  /** Ids (ascending) of the exchanges just committed, e.g. for `traffic.appended` events. */
  onCommitted?: (ids: number[]) => void;
  /**
   * A timer-driven commit failed and its batch (`dropped` exchanges) was lost, or `onCommitted`
   * threw (`dropped` 0).
   * Default: `process.emitWarning`. (`flush()` and `close()` throw instead.)
   */
  onError?: (error: unknown, dropped: number) => void;
}

export interface TrafficLogStats {
  appended: number;
  committed: number;
  /** Exchanges lost to failed commits (disk full, I/O error, ...). */
  dropped: number;
  /** The longest a commit (redaction and inserts included) has held the event loop, in ms. */
  slowestCommitMs: number;
}

export interface TrafficLog {
  /**
   * Queues an exchange; nothing else happens on the request path. The log takes the object over:
   * do not modify it afterwards. Ignored after `close()`.
   */
  append(exchange: Exchange): void;
  /** Commits the queue now, synchronously. Throws when the commit fails (the batch is dropped). */
  flush(): void;
  /** Flushes, then closes the database. Idempotent. */
  close(): void;
  stats(): TrafficLogStats;
}

const insertSql = `
  INSERT INTO exchanges (
    started_at, method, raw_url, url, route, operation_id, mode, status,
    duration_ms, upstream_ms, gateway_ms, client_address, consumer, upstream,
    policy_id, policy_name, policy_reason, request_headers, response_headers,
    request_body, request_body_size, request_body_sha256,
    response_body, response_body_size, response_body_sha256, error, origin, policy_timings
  ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function openTrafficLog(file: string, options: TrafficLogOptions = {}): TrafficLog {
  const batchMs = Math.max(0, options.batchMs ?? 10);
  const redactor = createRedactor(options.redact);
  const onError = options.onError ?? defaultOnError;
  const db: Db = openTrafficDb(file);
  const inserter = createExchangeInserter(db, redactor);
  // Truncate the WAL back to this size after a burst made it grow.
  db.pragma('journal_size_limit = 67108864');

  let queue: Exchange[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const counts: TrafficLogStats = { appended: 0, committed: 0, dropped: 0, slowestCommitMs: 0 };

  const insertAll = db.transaction((batch: Exchange[]): number[] => {
    const ids = new Array<number>(batch.length);
    for (let i = 0; i < batch.length; i++) ids[i] = inserter.insert(batch[i] as Exchange);
    inserter.writeAggregates();
    return ids;
  });

  /** Commits what is queued. Returns the failure when the commit failed (the batch is dropped). */
  function commit(): { error: unknown; dropped: number } | undefined {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (queue.length === 0) return undefined;
    const batch = queue;
    queue = [];
    let ids: number[];
    const start = performance.now();
    try {
      ids = insertAll(batch);
      counts.slowestCommitMs = Math.max(counts.slowestCommitMs, performance.now() - start);
    } catch (error) {
      counts.dropped += batch.length;
      return { error, dropped: batch.length };
    }
    counts.committed += ids.length;
    if (options.onCommitted) {
      try {
        options.onCommitted(ids);
      } catch (error) {
        onError(error, 0);
      }
    }
    return undefined;
  }

  function onTimer(): void {
    timer = undefined;
    const failure = commit();
    if (failure) onError(failure.error, failure.dropped);
  }

  return {
    append(exchange) {
      if (closed) return;
      queue.push(exchange);
      counts.appended++;
      if (!timer) {
        timer = setTimeout(onTimer, batchMs);
        timer.unref();
      }
    },
    flush() {
      if (closed) return;
      const failure = commit();
      if (failure) throw failure.error;
    },
    close() {
      if (closed) return;
      const failure = commit();
      closed = true;
      db.close();
      if (failure) throw failure.error;
    },
    stats: () => ({ ...counts }),
  };
}

export interface ExchangeInserter {
  /** Inserts one exchange (redacted, bodies hashed) and returns its id. Call inside a transaction. */
  insert(exchange: Exchange): number;
  /** Adds the inserted exchanges to the per-minute aggregates; call once per transaction, before it commits. */
  writeAggregates(): void;
}

/** The row insert that every writer of exchanges shares (this log, the spool's drain). */
export function createExchangeInserter(db: Db, redactor: Redactor = createRedactor()): ExchangeInserter {
  const insert: Statement<unknown[]> = db.prepare(insertSql);
  const aggregator = new MinuteAggregator();
  return {
    insert(exchange) {
      const id = Number(insert.run(row(exchange, redactor)).lastInsertRowid);
      aggregator.add(exchange);
      return id;
    },
    writeAggregates: () => aggregator.write(db),
  };
}

/** The insert's parameters, in `insertSql` order, redacted. */
function row(e: Exchange, redactor: Redactor): unknown[] {
  return [
    Math.trunc(e.startedAt),
    e.method,
    redactor.url(e.rawUrl),
    redactor.url(e.url),
    e.route ?? null,
    e.operationId ?? null,
    e.mode,
    e.status,
    e.durationMs,
    e.upstreamMs ?? null,
    e.gatewayMs,
    e.clientAddress,
    e.consumer ?? null,
    e.upstream ?? null,
    e.policy?.id ?? null,
    e.policy?.name ?? null,
    e.policy?.reason ?? null,
    JSON.stringify(redactor.headers(e.requestHeaders)),
    JSON.stringify(redactor.headers(flattenHeaders(e.responseHeaders))),
    bytesOf(e.requestBody),
    e.requestBody?.size ?? null,
    hashOf(e.requestBody),
    bytesOf(e.responseBody),
    e.responseBody?.size ?? null,
    hashOf(e.responseBody),
    e.error ?? null,
    e.origin ?? null,
    e.policyTimings ? JSON.stringify(e.policyTimings) : null,
  ];
}

/** Exchanges that crossed a thread arrive with plain Uint8Arrays, which SQLite must get as Buffers. */
function bytesOf(body: CapturedBody | undefined): Buffer | null {
  if (!body) return null;
  const bytes: Uint8Array = body.bytes;
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hashOf(body: CapturedBody | undefined): string | null {
  if (!body) return null;
  return body.sha256 ?? hash('sha256', body.bytes, 'hex');
}

function defaultOnError(error: unknown, dropped: number): void {
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(`traffic log: ${message} (${dropped} exchanges dropped)`, 'PorticoTrafficWarning');
}
