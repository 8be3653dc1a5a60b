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
