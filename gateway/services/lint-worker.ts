import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { lintDesign } from '../openapi/lint.js';
import { inspectDesign } from '../openapi/load.js';
import { bundle, gatewayProblems } from './design.js';
import type { LintJob, LintReply, LintWorkerData } from './lint-thread.js';

/**
 * The lint thread's body (started by lint-thread.ts): Spectral and the bundler run here, so the engine's event loop
 * (gateway traffic, the UI's calls) never waits for them. One job at a time; the main thread decides which job is
 * worth running next.
 */

const port = parentPort;
if (!port) throw new Error('lint-worker.ts runs as a worker thread');
const setup = (workerData ?? {}) as LintWorkerData;

port.on('message', (job: LintJob) => {
  void run(job).then(
    (value) => port.postMessage({ type: 'done', id: job.id, value, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) } satisfies LintReply),
    (error: unknown) => port.postMessage({ type: 'failed', id: job.id, message: error instanceof Error ? error.message : String(error) } satisfies LintReply),
  );
});
port.postMessage({ type: 'ready' } satisfies LintReply);

async function run(job: LintJob): Promise<unknown> {
  if (job.kind === 'crash') return crash(job.how, job.ms ?? 0);
  const overlays = new Map(Object.entries(job.overlays));
  const read = async (url: string): Promise<string> => {
    const path = fileURLToPath(url);
    return overlays.get(path) ?? readFile(path, 'utf8');
  };
  if (job.kind === 'lint') {
    const extra = await gatewayProblems(job.spec, { read });
    return lintDesign(job.spec, { read, extra, ...(job.ruleset !== undefined && { ruleset: job.ruleset }), ...(job.paths && { paths: job.paths }) });
  }
  const { design, problems } = await inspectDesign(job.spec, { read });
  return { document: design ? bundle(design) : null, problems };
}

/** Test hooks (only when the thread was started with `testHooks`): the ways a worker can fail. */
function crash(how: 'throw' | 'uncaught' | 'exit' | 'hang' | 'oom', ms: number): unknown {
  if (!setup.testHooks) throw new Error('test hooks are off');
  if (how === 'throw') throw new Error('thrown by a test hook');
  if (how === 'uncaught') setImmediate(() => { throw new Error('uncaught in the lint worker (test hook)'); });
  if (how === 'exit') process.exit(3);
  if (how === 'hang') {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // busy: Spectral cannot be interrupted either
    }
    return 'hung';
  }
  if (how === 'oom') {
    const hoard: unknown[] = [];
    for (;;) hoard.push(new Array(1_000_000).fill({ at: hoard.length }));
  }
  return new Promise(() => undefined);
}
