import { stat } from 'node:fs/promises';
import type { Problem } from '../contract/index.js';
import type { LintResult } from '../openapi/lint.js';
import { isEmptyScope } from '../openapi/lint-scope.js';
import { absoluteOverlays, designThread, elapsed, failure, lintWorkspace, toWorkspaceProblem, type LintWorkspaceResult, type Overlays } from './design.js';
import type { IncrementalBaseline, IncrementalLintValue, LintThread } from './lint-thread.js';
import type { Workspace } from './workspace.js';

/**
 * `design.lint` of a large design (docs/scale.md, "Incremental lint"). A full Spectral lint of GitHub's description
 * takes over a minute, so an edit is answered from two threads:
 *
 * - the `lint-part` thread finds what changed since the last full lint (path items, components, files: see
 *   `openapi/lint-scope.ts`), lints only that (a pruned document), and merges it with the full lint's findings,
 *   moved to their current lines. That is the answer (`partial: true`), in seconds.
 * - the `lint` thread then lints the whole design in the background. When it is done it becomes the new baseline,
 *   and, when no newer edit came in meanwhile, it is pushed as `design.linted` (`onFull`).
 *
 * Small designs (and the first lint, which has nothing to merge with) are linted in full, as before.
 */

export interface IncrementalLintOptions {
  /** Where pruned lints run (default: the engine's `lint-part` thread). */
  partThread?: LintThread;
  /** Where full lints run (default: the engine's `lint` thread). */
  fullThread?: LintThread;
  /** A root document at least this large (characters) is linted incrementally. Default 1 MB. */
  minChars?: number;
  /** A full lint of the latest version of the design finished. */
  onFull?: (result: LintWorkspaceResult) => void;
}

export type DesignLintResult = LintWorkspaceResult & { partial?: boolean };

export const INCREMENTAL_MIN_CHARS = 1_000_000;

export class DesignLinter {
  private baseline: IncrementalBaseline | undefined;
  /** The full lint asked for last: the version of the texts it lints and its answer. */
  private scheduled: { epoch: string; version: number; done: Promise<DesignLintResult> } | undefined;
  /** The version the latest answered request saw: a full lint of another version is not news to the UI. */
  private latest: { epoch: string; version: number } | undefined;
  /** The version last answered with a partial result: only its full lint is pushed (a full answer needs no event). */
  private partialAnswered: { epoch: string; version: number } | undefined;
  private closed = false;
  /** For tests and the bench: what ran. */
  readonly stats = { partial: 0, full: 0, emitted: 0 };

  constructor(
    private readonly workspace: Workspace,
    private readonly options: IncrementalLintOptions = {},
  ) {}

  async lint(overlays: Overlays): Promise<DesignLintResult> {
    const started = performance.now();
    const full = this.options.fullThread ?? designThread('lint');
    if (this.workspace.spec === '' || !(await this.isLarge(overlays))) return lintWorkspace(this.workspace, overlays, { thread: full });

    const part = this.options.partThread ?? designThread('lint-part');
    const outcome = await part.submit({
      kind: 'lint',
      spec: this.workspace.specPath,
      overlays: absoluteOverlays(this.workspace, overlays),
      incremental: { ...(this.baseline && { baseline: this.baseline }) },
    });
    if (!outcome.ok) return { problems: [failure(this.workspace, outcome)], durationMs: elapsed(started) };
    const value = outcome.value as IncrementalLintValue;
    this.latest = { epoch: value.epoch, version: value.version };
    // A design that does not load (mid-edit) is not worth a minute of full lint: the next edit will fix or change it.
    const background = value.loaded || !this.baseline ? this.scheduleFull(overlays, value.epoch, value.version) : undefined;
    // Nothing changed since the full lint: its findings (with the engine's own, checked now) are the whole answer.
    if (value.results && isEmptyScope(value.scope)) return { problems: this.problems(value.results), durationMs: elapsed(started) };
    if (value.results) {
      this.stats.partial++;
      this.partialAnswered = { epoch: value.epoch, version: value.version };
      return { problems: this.problems(value.results), durationMs: elapsed(started), partial: true };
    }
    // Nothing to merge with yet (the first lint): the full lint is the answer.
    const result = await (background ?? this.scheduleFull(overlays, value.epoch, value.version));
    return { ...result, durationMs: elapsed(started) };
  }

  /** Stops pushing results (the workspace was switched). */
  close(): void {
    this.closed = true;
  }

  private scheduleFull(overlays: Overlays, epoch: string, version: number): Promise<DesignLintResult> {
    const same = this.scheduled;
    if (same && same.epoch === epoch && same.version === version) return same.done;
    const started = performance.now();
    const done = (this.options.fullThread ?? designThread('lint'))
      .submit({ kind: 'lint', spec: this.workspace.specPath, overlays: absoluteOverlays(this.workspace, overlays), parts: true })
      .then((outcome): DesignLintResult => {
        if (!outcome.ok) return { problems: [failure(this.workspace, outcome)], durationMs: elapsed(started) };
        const { own, spectral } = outcome.value as { own: LintResult[]; spectral: LintResult[] };
        this.stats.full++;
        // Full lints finish in the order they were asked for (one thread, newest waiting): a later one is newer.
        if (!this.baseline || this.baseline.epoch !== epoch || this.baseline.version <= version) this.baseline = { epoch, version, spectral };
        const result = { problems: this.problems([...own, ...spectral]), durationMs: elapsed(started) };
        const same = (v: { epoch: string; version: number } | undefined) => v?.epoch === epoch && v.version === version;
        const current = same(this.latest) && same(this.partialAnswered);
        if (current && !this.closed && this.options.onFull) {
          this.stats.emitted++;
          this.options.onFull(result);
        }
        return result;
      });
    this.scheduled = { epoch, version, done };
    return done;
  }

  private problems(results: readonly LintResult[]): Problem[] {
    return sortProblems(results.map((r) => toWorkspaceProblem(this.workspace, r)));
  }

  private async isLarge(overlays: Overlays): Promise<boolean> {
    const min = this.options.minChars ?? INCREMENTAL_MIN_CHARS;
    const overlay = overlays[this.workspace.spec];
    if (overlay !== undefined) return overlay.length >= min;
    try {
      return (await stat(this.workspace.specPath)).size >= min;
    } catch {
      return false;
    }
  }
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}
