import { setPriority } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `name` that sits beside the module `from` (its `import.meta.url`).
 * Built, that is `name.js`. Run from source (tsx: tests, scripts), it is `name.ts`, and the worker registers tsx
 * itself: Node 20 does not carry `--import` hooks into worker threads.
 */
export function startWorker(from: string, name: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  const entry = new URL(`./${name}.ts`, from).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/**
 * Linux: nice 19 for the calling thread only (Linux keeps priority per thread), for work that should take only the CPU
 * that requests and typing leave over: the traffic log's drain, background lint. Other systems apply it to the whole
 * process, so there it is left alone. `PORTICO_BACKGROUND_NICE=0` turns it off.
 */
export function lowerThisThreadsPriority(what: string): void {
  if (process.platform !== 'linux' || process.env.PORTICO_BACKGROUND_NICE === '0') return;
  try {
    setPriority(19);
  } catch (error) {
    process.emitWarning(`${what}: could not lower the thread's priority: ${(error as Error).message}`, 'PorticoWarning');
  }
}
