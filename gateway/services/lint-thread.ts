import type { Worker } from 'node:worker_threads';
import type { LintResult } from '../openapi/lint.js';
import type { LintScope } from '../openapi/lint-scope.js';
import { startWorker } from '../workers.js';

/**
 * A long-lived worker thread for the design's heavy work (Spectral lint, bundling), started on first use.
 *
 * Only the newest request of a kind matters. While a job runs, a newer request of the same kind waits in one slot
 * per kind; a request that finds the slot taken replaces the waiting job, and the replaced callers get the newer
 * job's result. So a burst of N requests costs at most two runs, and every caller gets an answer. The running job
 * cannot be interrupted (Spectral has no cancel); its caller gets its own result, flagged `superseded` when a newer
 * request came in meanwhile.
 *
 * A job that runs longer than `timeoutMs` terminates the worker (`lint-timeout`); a worker that dies (out of memory,
 * an uncaught error, an exit) fails the running job (`lint-out-of-memory`, `lint-crashed`). The next job starts a
 * fresh worker.
 */

export type JobKind = 'lint' | 'bundle';
export interface DesignJob {
  kind: JobKind;
  /** Absolute path of the root document. */
  spec: string;
  /** Unsaved texts by absolute path. */
  overlays: Record<string, string>;
  ruleset?: string | false;
  /** Lint only these path items (see `LintOptions.paths`). */
  paths?: readonly string[];
  /**
   * An incremental lint (lint jobs): the worker compares the texts with those of its previous incremental job, lints
   * what changed since `baseline` (pruned), and merges with the baseline's findings. See `IncrementalLintValue`.
   */
  incremental?: { baseline?: IncrementalBaseline };
  /** A full lint that answers `{ own, spectral }` apart (the baseline of incremental jobs is Spectral's part). */
  parts?: boolean;
}

/** The last full lint's Spectral findings, and the version of the texts it linted (as an incremental job numbered it). */
export interface IncrementalBaseline {
  epoch: string;
  version: number;
  spectral: readonly LintResult[];
}

/** What an incremental job answers. `results` is undefined when there is nothing to merge with (no baseline, or `all`). */
export interface IncrementalLintValue {
  /** The worker's identity: versions of another worker (before a restart) do not compare. */
  epoch: string;
  /** The version of the texts in the worker: bumped whenever a file changed since its previous incremental job. */
  version: number;
  /** What changed since that previous job. */
  delta: LintScope;
  /** Everything that changed since the baseline: what was linted again. */
  scope: LintScope;
  results?: LintResult[];
  /** False when the design did not load (a syntax error mid-edit): `results` are the loader's problems and the baseline. */
  loaded: boolean;
}
type CrashJob = { kind: 'crash'; how: 'throw' | 'uncaught' | 'exit' | 'hang' | 'oom'; ms?: number };
export type LintJob = (DesignJob | CrashJob) & { id: number };
export type LintReply = { type: 'ready' } | { type: 'done'; id: number; value: unknown; maxRssMb: number } | { type: 'failed'; id: number; message: string };
export interface LintWorkerData {
  testHooks?: boolean;
}

export type FailureCode = 'lint-timeout' | 'lint-out-of-memory' | 'lint-crashed' | 'lint-failed';
export type Outcome = { ok: true; value: unknown; superseded?: boolean; durationMs: number; maxRssMb: number } | { ok: false; code: FailureCode; message: string; durationMs: number };

export interface LintThreadOptions {
  /** Longest run before the worker is terminated and restarted. Default 5 minutes (see docs/scale.md). */
  timeoutMs?: number;
  /** The worker's old-generation heap cap. Default 4096 MB. */
  maxOldGenerationSizeMb?: number;
  /** Accept `crash` jobs (tests only). */
  testHooks?: boolean;
}

interface Entry {
  job: DesignJob | CrashJob;
  waiters: ((outcome: Outcome) => void)[];
  superseded?: boolean;
}

export class LintThread {
  private worker: Worker | undefined;
  private ready = false;
  private running: (Entry & { id: number; started: number; timer?: NodeJS.Timeout; deathCause?: Error }) | undefined;
  private readonly waiting = new Map<string, Entry>();
  private nextId = 1;
  private closed = false;
  /** Jobs actually posted to a worker; workers started. */
  readonly stats = { runs: 0, workers: 0, superseded: 0 };

  constructor(private readonly options: LintThreadOptions = {}) {}

  submit(job: DesignJob): Promise<Outcome> {
    return this.enqueue(job);
  }

  /** Test hook: make the worker fail in one of the ways real jobs can. */
  crash(how: CrashJob['how'], ms?: number): Promise<Outcome> {
    return this.enqueue({ kind: 'crash', how, ...(ms !== undefined && { ms }) });
  }

  /** Stops the worker; queued callers get `lint-crashed`. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    const failed: Outcome = { ok: false, code: 'lint-crashed', message: 'the lint thread was closed', durationMs: 0 };
    for (const entry of this.waiting.values()) for (const waiter of entry.waiters) waiter(failed);
    this.waiting.clear();
    this.finish(failed);
    if (worker) await worker.terminate();
  }

  private enqueue(job: DesignJob | CrashJob): Promise<Outcome> {
    if (this.closed) return Promise.resolve({ ok: false, code: 'lint-crashed', message: 'the lint thread was closed', durationMs: 0 });
    return new Promise((resolve) => {
      const previous = this.waiting.get(job.kind);
      if (previous) this.stats.superseded++;
      // The replaced callers are answered with the newer job's result: theirs would be stale anyway.
      this.waiting.set(job.kind, { job, waiters: [...(previous?.waiters ?? []), resolve] });
      if (this.running && this.running.job.kind === job.kind) this.running.superseded = true;
      this.pump();
    });
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const next = this.waiting.entries().next();
    if (next.done) {
      this.worker?.unref();
      return;
    }
    const [kind, entry] = next.value;
    this.waiting.delete(kind);
    const worker = this.ensureWorker();
    worker.ref();
    this.running = { ...entry, id: this.nextId++, started: performance.now() };
    if (this.ready) this.post();
  }

  private post(): void {
    const running = this.running;
    if (!running || !this.worker) return;
    this.stats.runs++;
    running.started = performance.now();
    const timeoutMs = this.options.timeoutMs ?? 300_000;
    running.timer = setTimeout(() => {
      const worker = this.worker;
      this.worker = undefined;
      this.ready = false;
      this.finish({ ok: false, code: 'lint-timeout', message: `lint stopped after ${Math.round(timeoutMs / 1000)} s: the design is too large to lint in full here`, durationMs: this.elapsed() });
      void worker?.terminate();
      this.pump();
    }, timeoutMs);
    this.worker.postMessage({ ...running.job, id: running.id } satisfies LintJob);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(import.meta.url, 'lint-worker', {
      workerData: { testHooks: this.options.testHooks ?? false } satisfies LintWorkerData,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxOldGenerationSizeMb ?? 4096 },
    });
    this.stats.workers++;
    this.worker = worker;
    this.ready = false;
    worker.on('message', (reply: LintReply) => {
      if (worker !== this.worker) return;
      if (reply.type === 'ready') {
        this.ready = true;
        this.post();
        return;
      }
      if (!this.running || reply.id !== this.running.id) return;
      const durationMs = this.elapsed();
      this.finish(
        reply.type === 'done'
          ? { ok: true, value: reply.value, durationMs, maxRssMb: reply.maxRssMb, ...(this.running.superseded && { superseded: true }) }
          : { ok: false, code: 'lint-failed', message: `lint failed: ${reply.message}`, durationMs },
      );
      this.pump();
    });
    worker.on('error', (error) => {
      if (worker === this.worker && this.running) this.running.deathCause = error;
    });
    worker.on('exit', (code) => {
      if (worker !== this.worker) return;
      this.worker = undefined;
      this.ready = false;
      const cause = this.running?.deathCause;
      const oom = (cause as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const limit = this.options.maxOldGenerationSizeMb ?? 4096;
      this.finish(
        oom
          ? { ok: false, code: 'lint-out-of-memory', message: `lint ran out of memory (heap limit ${limit} MB): the design is too large to lint in full`, durationMs: this.elapsed() }
          : { ok: false, code: 'lint-crashed', message: `the lint worker stopped${cause ? `: ${cause.message}` : ` (exit code ${code})`}`, durationMs: this.elapsed() },
      );
      this.pump();
    });
    return worker;
  }

  private elapsed(): number {
    return this.running ? Math.round(performance.now() - this.running.started) : 0;
  }

  private finish(outcome: Outcome): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    clearTimeout(running.timer);
    for (const waiter of running.waiters) waiter(outcome);
  }
}
