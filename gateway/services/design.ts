import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Problem } from '../contract/index.js';
import { DesignError, refOf, type Design, type DesignProblem } from '../openapi/design.js';
import { appendPointer } from '../openapi/json-pointer.js';
import { lintDesign, type LintResult } from '../openapi/lint.js';
import { inspectDesign, loadDesign, type LoadOptions } from '../openapi/load.js';
import { compile } from '../pipeline/compile.js';
import { MemoryCounters } from '../pipeline/counters.js';
import { policiesById } from '../policies/index.js';
import { LintThread, type Outcome } from './lint-thread.js';
import type { Workspace } from './workspace.js';

/**
 * `design.lint` and `design.bundle`: the workspace's design as the editor sees it, unsaved text (overlays, by
 * workspace-relative path) in place of the files on disk. Nothing is written.
 */

export type Overlays = Readonly<Record<string, string>>;

/** A `read` for the loader: an overlay when there is one for that file, else the disk. */
export function overlayReader(workspace: Workspace, overlays: Overlays): (url: string) => Promise<string> {
  const byPath = new Map<string, string>();
  for (const [path, text] of Object.entries(overlays)) {
    try {
      byPath.set(workspace.resolve(path), text);
    } catch {
      // a path outside the workspace overlays nothing
    }
  }
  return async (url) => {
    const path = fileURLToPath(url);
    return byPath.get(path) ?? readFile(path, 'utf8');
  };
}

/** Problem positions with the file relative to the workspace (absolute when outside it). */
export function toWorkspaceProblem(workspace: Workspace, problem: DesignProblem | (Omit<Problem, 'severity'> & { severity: Problem['severity'] })): Problem {
  const absolute = isAbsolute(problem.file) ? problem.file : resolve(problem.file);
  return {
    file: workspace.relativize(absolute) ?? absolute,
    line: problem.line,
    column: problem.column,
    severity: problem.severity,
    message: problem.message,
    ...(problem.code !== undefined && { code: problem.code }),
    ...(problem.pointer !== undefined && problem.pointer !== '' && { pointer: problem.pointer }),
  };
}

export function noSpec(workspace: Workspace): Problem[] {
  return [{ file: '', line: 1, column: 1, severity: 'error', code: 'no-design', message: `no OpenAPI document in ${workspace.root} (openapi.yaml, or a file that starts with openapi:)` }];
}

export type LintWorkspaceResult = { problems: Problem[]; durationMs: number; superseded?: boolean };

/**
 * Off the event loop: the engine's main thread also serves the gateway's traffic and the UI's calls, and a full
 * Spectral lint of a large design takes minutes (docs/scale.md). See lint-thread.ts for superseding and failures.
 * `paths`: lint only those path items and what they reference, a fast first answer after an edit (a pruned lint
 * is its own kind of request only in that it shares the one lint slot: a full lint requested later supersedes it).
 */
export async function lintWorkspace(workspace: Workspace, overlays: Overlays, options: { thread?: LintThread; paths?: readonly string[] } = {}): Promise<LintWorkspaceResult> {
  const started = performance.now();
  if (workspace.spec === '') return { problems: noSpec(workspace), durationMs: 0 };
  const job = { kind: 'lint' as const, spec: workspace.specPath, overlays: absoluteOverlays(workspace, overlays), ...(options.paths && { paths: options.paths }) };
  const outcome = await (options.thread ?? designThread('lint')).submit(job);
  const problems = outcome.ok ? (outcome.value as LintResult[]).map((r) => toWorkspaceProblem(workspace, r)) : [failure(workspace, outcome)];
  return { problems, durationMs: elapsed(started), ...(outcome.ok && outcome.superseded && { superseded: true }) };
}

/** The same lint on the calling thread (the CLI, tests, comparisons). */
export async function lintWorkspaceInProcess(workspace: Workspace, overlays: Overlays): Promise<LintWorkspaceResult> {
  const started = performance.now();
  if (workspace.spec === '') return { problems: noSpec(workspace), durationMs: 0 };
  const read = overlayReader(workspace, overlays);
  const extra = await gatewayProblems(workspace.specPath, { read });
  const results = await lintDesign(workspace.specPath, { read, extra });
  return { problems: results.map((r) => toWorkspaceProblem(workspace, r)), durationMs: elapsed(started) };
}

export type DesignThreadKind = 'lint' | 'lint-part' | 'bundle';
const threads: Partial<Record<DesignThreadKind, LintThread>> = {};

/**
 * The engine's design threads, started on first use and shared by every workspace (jobs carry their paths).
 * Lint and bundle get one each: a full lint of a large design must not hold the docs preview back for minutes; the
 * incremental lint of an edit (`lint-part`) must not wait behind a full lint either.
 */
export function designThread(kind: DesignThreadKind): LintThread {
  return (threads[kind] ??= new LintThread());
}

/** Stops the design threads (they are unref'd when idle, so a process exits without this). */
export async function closeDesignThreads(): Promise<void> {
  const all = Object.values(threads);
  for (const kind of Object.keys(threads) as DesignThreadKind[]) delete threads[kind];
  await Promise.all(all.map((thread) => thread.close()));
}

export function absoluteOverlays(workspace: Workspace, overlays: Overlays): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(overlays)) {
    try {
      out[workspace.resolve(path)] = text;
    } catch {
      // a path outside the workspace overlays nothing
    }
  }
  return out;
}

export function failure(workspace: Workspace, outcome: Extract<Outcome, { ok: false }>): Problem {
  return { file: workspace.spec, line: 1, column: 1, severity: 'error', code: outcome.code, message: outcome.message };
}

export function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/** What the gateway would refuse (x-portico shape, policy configs, upstreams); loader problems are lint's own. */
export async function gatewayProblems(spec: string, options: LoadOptions = {}): Promise<DesignProblem[]> {
  let design;
  try {
    design = await loadDesign(spec, options);
  } catch {
    return [];
  }
  return compileProblems(design);
}

/** `gatewayProblems` of a design already loaded. */
export function compileProblems(design: Design): DesignProblem[] {
  try {
    compile(design, { policies: policiesById, services: { counters: new MemoryCounters(), consumers: { findByKey: () => undefined }, now: Date.now }, env: process.env });
    return [];
  } catch (error) {
    if (error instanceof DesignError) return error.problems;
    throw error;
  }
}

export type BundleWorkspaceResult = { document: unknown; problems: Problem[]; text?: string | null; extension?: unknown };

/**
 * On the bundle thread: a large design takes the event loop for a second or more (docs/scale.md). The worker sends
 * the document as JSON text (a structured clone of 7 MB of objects would be rebuilt on this thread). `as: 'text'`
 * passes that text on, with the root's `x-portico` beside it, and `document` null: nothing is parsed or re-serialized
 * on the engine's main thread or the UI's.
 */
export async function bundleWorkspace(workspace: Workspace, overlays: Overlays, options: { thread?: LintThread; as?: 'document' | 'text' } = {}): Promise<BundleWorkspaceResult> {
  if (workspace.spec === '') return { document: null, problems: noSpec(workspace) };
  const outcome = await (options.thread ?? designThread('bundle')).submit({ kind: 'bundle', spec: workspace.specPath, overlays: absoluteOverlays(workspace, overlays) });
  if (!outcome.ok) return { document: null, problems: [failure(workspace, outcome)] };
  const { text, extension, problems: found } = outcome.value as { text: string | null; extension: unknown; problems: DesignProblem[] };
  const problems = found.map((p) => toWorkspaceProblem(workspace, p));
  if (options.as === 'text') return { document: null, text, ...(extension !== undefined && { extension }), problems };
  return { document: text === null ? null : JSON.parse(text), problems };
}

export async function bundleWorkspaceInProcess(workspace: Workspace, overlays: Overlays): Promise<BundleWorkspaceResult> {
  if (workspace.spec === '') return { document: null, problems: noSpec(workspace) };
  const { design, problems } = await inspectDesign(workspace.specPath, { read: overlayReader(workspace, overlays) });
  return { document: design ? bundle(design) : null, problems: problems.map((p) => toWorkspaceProblem(workspace, p)) };
}

/**
 * The design as one document: refs into other files are inlined where first met (later refs to the same node point
 * at that place), refs inside the root document are kept. Circular refs become internal refs, so the result is finite.
 */
export function bundle(design: Design): unknown {
  const placed = new Map<string, string>();
  const rootFile = design.rootUrl;

  const copy = (value: unknown, file: string, at: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item, i) => copy(item, file, appendPointer(at, i)));
    const ref = refOf(value);
    if (ref !== undefined) {
      const target = design.resolveRef(file, ref);
      if (!target) return { ...(value as Record<string, unknown>) };
      const key = `${target.file}#${target.pointer}`;
      if (target.file === rootFile) return withSiblings({ $ref: '#' + encodePointer(target.pointer) }, value, file, at);
      const already = placed.get(key);
      if (already !== undefined) return withSiblings({ $ref: '#' + encodePointer(already) }, value, file, at);
      placed.set(key, at);
      const inlined = copy(target.value, target.file, at);
      return withSiblings(inlined, value, file, at);
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = copy(child, file, appendPointer(at, key));
    return out;
  };
  /** OpenAPI 3.1 lets `summary`/`description` stand beside `$ref`: they win over the target's. */
  const withSiblings = (result: unknown, refObject: object, file: string, at: string): unknown => {
    const siblings = Object.entries(refObject).filter(([key]) => key !== '$ref');
    if (siblings.length === 0 || result === null || typeof result !== 'object' || Array.isArray(result)) return result;
    const out: Record<string, unknown> = { ...(result as Record<string, unknown>) };
    for (const [key, child] of siblings) out[key] = copy(child, file, appendPointer(at, key));
    return out;
  };

  return copy(design.root.value, rootFile, '');
}

function encodePointer(pointer: string): string {
  return pointer
    .split('/')
    .map((token) => encodeURIComponent(token).replace(/%7E/gi, '~'))
    .join('/');
}
