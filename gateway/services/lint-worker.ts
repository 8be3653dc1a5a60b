import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { displayPath } from '../openapi/design.js';
import { lintDesign, lintDesignParts, sortResults, type LintResult } from '../openapi/lint.js';
import { emptyScope, isEmptyScope, mergeLint, touched, unionScope, type DesignVersion, type LintScope } from '../openapi/lint-scope.js';
import { inspectDesign } from '../openapi/load.js';
import { lowerThisThreadsPriority } from '../workers.js';
import { bundle, compileProblems, gatewayProblems } from './design.js';
import type { DesignJob, IncrementalLintValue, LintJob, LintReply, LintWorkerData } from './lint-thread.js';

/**
 * The lint thread's body (started by lint-thread.ts): Spectral and the bundler run here, so the engine's event loop
 * (gateway traffic, the UI's calls) never waits for them. One job at a time; the main thread decides which job is
 * worth running next.
 *
 * Incremental lint jobs keep state between jobs: the last version of the design's texts (to find what an edit
 * touched) and Spectral's parse of the root text (seconds for a 13 MB root; reused while the root is unchanged).
 */

const port = parentPort;
if (!port) throw new Error('lint-worker.ts runs as a worker thread');
// Lint is background work: the gateway's requests and the window's typing come first on a busy machine.
lowerThisThreadsPriority('lint');
const setup = (workerData ?? {}) as LintWorkerData;

port.on('message', (job: LintJob) => {
  void run(job).then(
    (value) => port.postMessage({ type: 'done', id: job.id, value, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) } satisfies LintReply),
    (error: unknown) => port.postMessage({ type: 'failed', id: job.id, message: error instanceof Error ? error.message : String(error) } satisfies LintReply),
  );
});
port.postMessage({ type: 'ready' } satisfies LintReply);

/** The texts of the previous incremental job (the last that loaded), and its version number. */
let previous: DesignVersion | undefined;
let version = 0;
/** What changed at each version: the scope of a job is everything that changed after its baseline's version. */
let deltas: { version: number; delta: LintScope }[] = [];
/** Versions are numbered per worker: a baseline from another worker (before a restart) cannot be compared. */
const epoch = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const documentCache: { text?: string; document?: unknown } = {};

async function run(job: LintJob): Promise<unknown> {
  if (job.kind === 'crash') return crash(job.how, job.ms ?? 0);
  const overlays = new Map(Object.entries(job.overlays));
  const texts = new Map<string, string>();
  const read = async (url: string): Promise<string> => {
    const path = fileURLToPath(url);
    const text = overlays.get(path) ?? (await readFile(path, 'utf8'));
    texts.set(url, text);
    return text;
  };
  if (job.kind === 'lint' && job.incremental) return incremental(job, job.incremental, read, texts);
  if (job.kind === 'lint') {
    const extra = await gatewayProblems(job.spec, { read });
    const options = { read, extra, ...(job.ruleset !== undefined && { ruleset: job.ruleset }), ...(job.paths && { paths: job.paths }) };
    if (!job.parts) return lintDesign(job.spec, options);
    const { own, spectral } = await lintDesignParts(job.spec, options);
    return { own, spectral };
  }
  const { design, problems } = await inspectDesign(job.spec, { read });
  // As text: a structured clone of a large document would be rebuilt on the engine's main thread (a long block).
  const root = design?.root.value;
  return { text: design ? JSON.stringify(bundle(design)) : null, extension: root?.['x-portico'], problems };
}

/** Lints what changed since the baseline (the last full lint) and merges with it. */
async function incremental(job: DesignJob, input: NonNullable<DesignJob['incremental']>, read: (url: string) => Promise<string>, texts: Map<string, string>): Promise<IncrementalLintValue> {
  const loaded = await inspectDesign(job.spec, { read });
  const rootUrl = pathToFileURL(job.spec).href;
  const everything: LintScope = { paths: [], components: [], files: [], all: true };
  const baseline = input.baseline?.epoch === epoch ? input.baseline : undefined;
  if (!loaded.design) {
    // Mid-edit (a syntax error, a broken ref): the loader's problems now; the full lint's findings stay where they
    // were until the design loads again, and the next comparison is with the last version that loaded.
    version++;
    deltas.push({ version, delta: everything });
    const own = loaded.problems.map(fromProblem);
    return { epoch, version, delta: everything, scope: everything, loaded: false, ...(baseline && { results: sortResults([...own, ...baseline.spectral]) }) };
  }
  const design = loaded.design;
  const current: DesignVersion = { rootUrl, root: design.root.value, texts, values: new Map([...design.files].map(([url, file]) => [url, file.value])) };
  const delta = touched(previous, current);
  if (!previous || !isEmptyScope(delta)) {
    version++;
    deltas.push({ version, delta });
  }
  previous = current;
  if (baseline) deltas = deltas.filter((d) => d.version > baseline.version);
  const scope = baseline ? deltas.reduce((sum, d) => unionScope(sum, d.delta), emptyScope()) : everything;
  if (!baseline || scope.all) return { epoch, version, delta, scope, loaded: true };

  const extra = compileProblems(design);
  const rootFile = displayPath(rootUrl);
  if (isEmptyScope(scope)) {
    // Nothing changed since the full lint: its findings stand where they are.
    return { epoch, version, delta, scope, loaded: true, results: sortResults([...[...extra, ...loaded.problems].map(fromProblem), ...baseline.spectral]) };
  }
  const parts = await lintDesignParts(job.spec, { read, extra, loaded, paths: scope.paths, components: scope.components, documentCache, ...(job.ruleset !== undefined && { ruleset: job.ruleset }) });
  const moved = baseline.spectral.map((r) => {
    if (r.file !== rootFile) return r;
    const at = parts.locateInRoot(r.pointer);
    return at ? { ...r, line: at.line, column: at.column } : r;
  });
  const merged = mergeLint({ full: moved, pruned: parts.spectral, own: parts.own, scope, rootFile, fileOf: displayPath, isOwn: () => false });
  return { epoch, version, delta, scope, loaded: true, results: sortResults(merged) };
}

function fromProblem(p: { file: string; line: number; column: number; severity: LintResult['severity']; code?: string; message: string; pointer?: string }): LintResult {
  return { file: p.file, line: p.line, column: p.column, severity: p.severity, code: p.code ?? 'portico', message: p.message, pointer: p.pointer ?? '' };
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
