/**
 * Incremental lint of a large design (docs/scale.md): what an edit touched, and how a pruned lint of that part is
 * merged with the last full lint. Spectral has no incremental mode; a pruned document (`lintDesign({ paths })`) is
 * how a part is linted, and this module decides which part and whose findings count where.
 *
 * A scope names the path items to lint again, the root's components that changed, and the non-root files that
 * changed. Within the scope the pruned lint is right; outside it the full lint's findings stand (moved to their
 * current place by the caller). Rules that are only right on the whole document keep the full lint's findings.
 */

import { refOf } from './design.js';
import { escapeToken, unescapeToken } from './json-pointer.js';

export interface LintScope {
  /** Keys of the root's `paths` to lint again. */
  paths: string[];
  /** Root components that changed, as pointers (`/components/schemas/Pet`). */
  components: string[];
  /** Non-root files (URLs) whose text changed. */
  files: string[];
  /** Nothing to compare with (no earlier version), or a change no part can stand for: lint everything. */
  all: boolean;
}

export const emptyScope = (): LintScope => ({ paths: [], components: [], files: [], all: false });

/** Findings of these rules depend on the whole document: a pruned lint gets them wrong, the full lint has the word. */
export const WHOLE_DOCUMENT_RULES: ReadonlySet<string> = new Set([
  'oas3-unused-component',
  'oas2-unused-definition',
  'operation-operationId-unique',
  'no-ambiguous-paths',
  'operation-tag-defined',
]);

/** One version of a design as the touched-paths computation needs it: the root's value and every file's text. */
export interface DesignVersion {
  rootUrl: string;
  root: Record<string, unknown>;
  /** Text of every file of the design, by URL (root included). */
  texts: ReadonlyMap<string, string>;
  /** Parsed value of every file, by URL (root included): where refs between files are read. */
  values: ReadonlyMap<string, unknown>;
}

type Json = Record<string, unknown>;

/**
 * What changed from `before` to `after`: changed path items, changed components and the path items that reach them
 * (transitively, through components and files), changed non-root files and the path items that reach them.
 */
export function touched(before: DesignVersion | undefined, after: DesignVersion): LintScope {
  if (!before || before.rootUrl !== after.rootUrl) return { ...emptyScope(), all: true };
  const scope = emptyScope();
  const files = new Set<string>();
  for (const [url, text] of after.texts) if (url !== after.rootUrl && before.texts.get(url) !== text) files.add(url);
  for (const url of before.texts.keys()) if (url !== after.rootUrl && !after.texts.has(url)) files.add(url);
  scope.files = [...files];

  const changedPaths = new Set<string>();
  const changedComponents = new Set<string>();
  if (before.texts.get(before.rootUrl) !== after.texts.get(after.rootUrl)) {
    const oldPaths = asObject(before.root.paths);
    const newPaths = asObject(after.root.paths);
    for (const key of new Set([...Object.keys(oldPaths), ...Object.keys(newPaths)])) {
      // A removed path item leaves nothing to lint; its old findings go with it (it is in the scope).
      if (!sameJson(oldPaths[key], newPaths[key])) changedPaths.add(key);
    }
    const oldComponents = asObject(before.root.components);
    const newComponents = asObject(after.root.components);
    for (const type of new Set([...Object.keys(oldComponents), ...Object.keys(newComponents)])) {
      const a = asObject(oldComponents[type]);
      const b = asObject(newComponents[type]);
      for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!sameJson(a[name], b[name])) changedComponents.add(componentPointer(type, name));
      }
    }
  }

  if (changedComponents.size > 0 || files.size > 0) {
    for (const key of reaching(after, changedComponents, files)) changedPaths.add(key);
  }
  scope.paths = [...changedPaths];
  scope.components = [...changedComponents];
  return scope;
}

/** The union of two scopes (edits since the last full lint add up). */
export function unionScope(a: LintScope, b: LintScope): LintScope {
  return {
    paths: [...new Set([...a.paths, ...b.paths])],
    components: [...new Set([...a.components, ...b.components])],
    files: [...new Set([...a.files, ...b.files])],
    all: a.all || b.all,
  };
}

export const isEmptyScope = (scope: LintScope) => !scope.all && scope.paths.length === 0 && scope.components.length === 0 && scope.files.length === 0;

/** A finding, as far as the merge is concerned. */
export interface Finding {
  /** Shown path of the file (as `LintResult.file`). */
  file: string;
  pointer: string;
  code: string;
}

/**
 * Whether a root finding at `pointer` belongs to the scope: under a touched path item or a changed component, or
 * anywhere outside `paths`, `components` and webhooks (the pruned document keeps the rest of the root whole).
 */
export function inScope(scope: LintScope, finding: Finding, rootFile: string, fileOf: (url: string) => string): boolean {
  if (scope.all) return true;
  if (finding.file !== rootFile) return scope.files.some((url) => fileOf(url) === finding.file);
  const [first, second, third] = finding.pointer.split('/').slice(1);
  if (first === undefined) return true; // the root itself
  if (first === 'paths') return second !== undefined && scope.paths.includes(unescapeToken(second));
  if (first === 'components') return second !== undefined && third !== undefined && scope.components.includes(`/components/${second}/${third}`);
  return first !== 'webhooks' && first !== 'x-webhooks';
}

/**
 * The answer to an edit: the full lint's Spectral findings outside the scope (and its whole-document findings
 * everywhere), the pruned lint's Spectral findings inside it, and the engine's own findings (loader, x-portico) of
 * the current version, which are always computed whole.
 */
export function mergeLint<T extends Finding>(input: { full: readonly T[]; pruned: readonly T[]; own: readonly T[]; scope: LintScope; rootFile: string; fileOf: (url: string) => string; isOwn: (finding: T) => boolean }): T[] {
  const { scope, rootFile, fileOf } = input;
  const kept = input.full.filter((f) => !input.isOwn(f) && (WHOLE_DOCUMENT_RULES.has(f.code) || !inScope(scope, f, rootFile, fileOf)));
  const fresh = input.pruned.filter((f) => !WHOLE_DOCUMENT_RULES.has(f.code) && inScope(scope, f, rootFile, fileOf));
  return [...input.own, ...kept, ...fresh];
}

function componentPointer(type: string, name: string): string {
  return `/components/${escapeToken(type)}/${escapeToken(name)}`;
}

/**
 * Path items that reach a changed component or file, through refs: one walk over the design builds the reverse
 * edges (component or file → what refers to it), then a walk up from what changed.
 */
function reaching(design: DesignVersion, components: ReadonlySet<string>, files: ReadonlySet<string>): Set<string> {
  const referrers = new Map<string, Set<string>>(); // node → nodes that refer to it
  const link = (from: string, to: string) => {
    let set = referrers.get(to);
    if (!set) referrers.set(to, (set = new Set()));
    set.add(from);
  };
  const refsOf = (value: unknown, fileUrl: string, from: string) =>
    walkRefs(value, (ref) => {
      const target = refTarget(fileUrl, ref);
      if (!target) return;
      if (target.file === design.rootUrl) {
        const component = componentOf(target.pointer);
        if (component) link(from, `c:${component}`);
      } else link(from, `f:${target.file}`);
    });

  const paths = asObject(design.root.paths);
  for (const [key, item] of Object.entries(paths)) refsOf(item, design.rootUrl, `p:${key}`);
  const allComponents = asObject(design.root.components);
  for (const [type, group] of Object.entries(allComponents)) {
    for (const [name, value] of Object.entries(asObject(group))) refsOf(value, design.rootUrl, `c:${componentPointer(type, name)}`);
  }
  for (const [url, value] of design.values) if (url !== design.rootUrl) refsOf(value, url, `f:${url}`);

  const out = new Set<string>();
  const seen = new Set<string>();
  const queue = [...[...components].map((c) => `c:${c}`), ...[...files].map((f) => `f:${f}`)];
  while (queue.length > 0) {
    const node = queue.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.startsWith('p:')) {
      out.add(node.slice(2));
      continue;
    }
    for (const from of referrers.get(node) ?? []) queue.push(from);
  }
  return out;
}

function componentOf(pointer: string): string | undefined {
  const [first, type, name] = pointer.split('/').slice(1);
  return first === 'components' && type !== undefined && name !== undefined ? `/components/${type}/${name}` : undefined;
}

function refTarget(fromFile: string, ref: string): { file: string; pointer: string } | undefined {
  const hash = ref.indexOf('#');
  const base = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? '' : ref.slice(hash + 1);
  try {
    return { file: base === '' ? fromFile : new URL(base, fromFile).href, pointer: decodeURIComponent(fragment) };
  } catch {
    return undefined;
  }
}

function walkRefs(value: unknown, visit: (ref: string) => void): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) walkRefs(item, visit);
    return;
  }
  const ref = refOf(value);
  if (ref !== undefined) visit(ref);
  for (const [key, child] of Object.entries(value)) if (key !== '$ref' && child !== null && typeof child === 'object') walkRefs(child, visit);
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

/** Deep equality of two JSON values (parsed documents: no cycles, no undefined). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], other[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const key = ka[i]!;
    // Key order counts: positions move with it, and a reordered document is an edit.
    if (key !== kb[i] || !sameJson((a as Json)[key], (b as Json)[key])) return false;
  }
  return true;
}
