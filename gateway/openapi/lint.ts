/**
 * lintDesign: Spectral's `oas` ruleset (or the workspace's `.spectral.yaml` beside the spec) over a
 * design and every local file it references. Spectral is imported inside the call: it costs
 * hundreds of milliseconds to load, and start-up must not pay for it.
 *
 * Refs: only local files are read; `http:`/`https:` refs become `invalid-ref` results unless
 * `allowRemoteRefs`. Telemetry: Spectral's packages only ping (Scarf) from an npm postinstall
 * script, which package.json's `allowScripts` disables; nothing is sent at run time.
 */

import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { displayPath, refOf, type Design, type DesignProblem } from './design.js';
import { escapeToken, unescapeToken } from './json-pointer.js';
import { inspectDesign, type LoadOptions } from './load.js';

export type LintSeverity = 'error' | 'warning' | 'info' | 'hint';

export interface LintResult {
  /** Path relative to the working directory, as in `DesignProblem`. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  severity: LintSeverity;
  /** Spectral rule name (`info-contact`, `operation-operationId`, ...), `parser`, `invalid-ref`, or the caller's own. */
  code: string;
  message: string;
  /** JSON pointer within `file`'s document ('' for the root). */
  pointer: string;
}

export interface LintOptions extends LoadOptions {
  /**
   * A ruleset file to use instead of looking for `.spectral.yaml` / `.spectral.yml` / `.spectral.json`
   * beside the spec; `false` to always use `spectral:oas` (recommended rules).
   */
  ruleset?: string | false;
  /** Problems found by other checks (e.g. `x-portico`), merged and sorted with Spectral's. */
  extra?: readonly DesignProblem[];
  /**
   * Lint only these path items (keys of the root document's `paths`) and the root's components they reach, for a
   * fast first answer after an edit of a large design (docs/scale.md). Rules that need the whole design (unused
   * components, unique operationIds, webhooks) see only that part; a full lint afterwards has the last word.
   */
  paths?: readonly string[];
}

const RULESET_FILES = ['.spectral.yaml', '.spectral.yml', '.spectral.json'];
const SEVERITIES: LintSeverity[] = ['error', 'warning', 'info', 'hint'];
/** Spectral result codes that the loader reports better (exact positions, all files). */
const LOADER_CODES = new Set(['parser', 'invalid-ref']);

export async function lintDesign(path: string, options: LintOptions = {}): Promise<LintResult[]> {
  const parts = await lintDesignParts(path, options);
  return sortResults([...parts.own, ...parts.spectral]);
}

export interface LintPartsOptions extends LintOptions {
  /** With `paths`: root components to keep in the pruned document even when no kept path item reaches them. */
  components?: readonly string[];
  /** The design as already loaded from the same texts (`inspectDesign`), so it is not loaded twice. */
  loaded?: { design: Design | undefined; problems: DesignProblem[] };
  /** Spectral's parse of the root text, kept between runs by the caller (seconds for a 13 MB root). */
  documentCache?: { text?: string; document?: unknown };
}

export interface LintParts {
  /** The engine's own findings (loader, `extra`, ruleset notes): always about the whole design. */
  own: LintResult[];
  /** Spectral's findings. */
  spectral: LintResult[];
  /** Where a pointer of the root file is now, as Spectral places its findings (1-based); undefined when unknown. */
  locateInRoot(pointer: string): { line: number; column: number } | undefined;
}

/** `lintDesign`, with the engine's own findings apart from Spectral's (the incremental lint merges them differently). */
export async function lintDesignParts(path: string, options: LintPartsOptions = {}): Promise<LintParts> {
  const absolute = isAbsolute(path) ? path : resolve(path);
  const own: LintResult[] = (options.extra ?? []).map(fromProblem);
  const spectralResults: LintResult[] = [];
  const placement: { original?: { getRangeForJsonPath(path: (string | number)[], closest?: boolean): { start: { line: number; character: number } } | undefined } } = {};
  const parts: LintParts = {
    own,
    spectral: spectralResults,
    locateInRoot(pointer) {
      const start = placement.original?.getRangeForJsonPath(pointerTokens(pointer), true)?.start;
      return start && { line: start.line + 1, column: start.character + 1 };
    },
  };

  // Our loader places syntax errors and broken refs exactly, in every file; Spectral's resolver
  // reports those in referenced files at 1:1 of the wrong place. So: the loader's, not Spectral's.
  const loaded = options.loaded ?? (await inspectDesign(absolute, options));
  own.push(...loaded.problems.map(fromProblem));
  if (loaded.problems.some((p) => p.code === 'unreadable' && p.line === 1 && p.file === shown(absolute))) return parts;

  const readText = (file: string): Promise<string> => (options.read ? options.read(pathToFileURL(file).href) : readFile(file, 'utf8'));
  let text: string;
  try {
    text = await readText(absolute);
  } catch {
    return parts;
  }

  const [core, parsers, { oas }, { Resolver }] = await Promise.all([
    import('@stoplight/spectral-core').then(commonJs),
    import('@stoplight/spectral-parsers').then(commonJs),
    import('@stoplight/spectral-rulesets').then(commonJs),
    import('@stoplight/spectral-ref-resolver').then(commonJs),
  ]);

  const rulesetPath = options.ruleset === false ? undefined : (options.ruleset ?? (await findRuleset(dirname(absolute))));
  let ruleset: InstanceType<typeof core.Ruleset>;
  try {
    const definition = rulesetPath ? await readRuleset(rulesetPath, oas, own) : { extends: [[oas, 'recommended']] };
    ruleset = new core.Ruleset(definition, rulesetPath ? { source: rulesetPath } : {});
  } catch (error) {
    own.push(at(rulesetPath ?? absolute, 'error', 'ruleset', `invalid ruleset: ${messageOf(error)}; linting with spectral:oas instead`));
    ruleset = new core.Ruleset({ extends: [[oas, 'recommended']] });
  }

  const remote = {
    resolve: async (ref: { toString(): string }): Promise<string> => {
      const url = ref.toString();
      if (!options.allowRemoteRefs) throw new Error(`remote $ref ${url} refused: remote references are not allowed`);
      const response = await (options.fetch ?? globalThis.fetch)(url);
      if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
      return response.text();
    },
  };
  const resolver = new Resolver({
    resolvers: {
      file: { resolve: (ref: { href(): string }) => readText(ref.href()) },
      http: remote,
      https: remote,
    },
  });

  const spectral = new core.Spectral({ resolver });
  spectral.setRuleset(ruleset);
  const pruned = options.paths && loaded.design ? prune(loaded.design.root.value, options.paths, options.components) : undefined;
  const cache = options.documentCache;
  const fresh = () => (extname(absolute).toLowerCase() === '.json' ? new core.Document(text, parsers.Json, absolute) : new core.Document(text, parsers.Yaml, absolute));
  const parsed = cache && cache.text === text && cache.document ? (cache.document as ReturnType<typeof fresh>) : fresh();
  if (cache) Object.assign(cache, { text, document: parsed });
  placement.original = parsed;
  const document = pruned ? new core.Document(JSON.stringify(pruned), parsers.Json, absolute) : parsed;
  // A pruned root is our own text: its results are placed by their path in the real file, as Spectral would.
  const place = (d: { source?: string | null; path: readonly (string | number)[]; range: { start: { line: number; character: number } } }) => {
    const start = pruned && (d.source ?? absolute) === absolute ? (parsed.getRangeForJsonPath([...d.path], true)?.start ?? { line: 0, character: 0 }) : d.range.start;
    return { file: shown(d.source ?? absolute), line: start.line + 1, column: start.character + 1, pointer: d.path.map((token) => '/' + escapeToken(token)).join('') };
  };
  try {
    const diagnostics = await spectral.run(document, { ignoreUnknownFormat: false });
    for (const d of diagnostics) {
      if (LOADER_CODES.has(String(d.code))) continue;
      if (isPathItemRefFalsePositive(d, loaded.design?.root.value ?? (document as { data?: unknown }).data)) continue;
      const { file, line, column, pointer } = place(d);
      spectralResults.push({ file, line, column, severity: SEVERITIES[d.severity] ?? 'error', code: String(d.code), message: d.message, pointer });
    }
  } catch (error) {
    own.push(at(absolute, 'error', 'lint-failed', `lint failed: ${messageOf(error)}`));
  }
  return parts;
}

function pointerTokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeToken);
}

/**
 * Spectral's OAS 3.1 schema rejects a path item that is only an external `$ref` ("must not have unevaluated
 * properties": stoplightio/spectral#2655, fix pending in #2844). Our loader has already checked that ref.
 */
function isPathItemRefFalsePositive(d: { code?: unknown; path: readonly (string | number)[] }, root: unknown): boolean {
  // The root as loaded or, when another file has errors (no design), as Spectral parsed it.
  if (d.code !== 'oas3-schema' || root === null || typeof root !== 'object') return false;
  const doc = root as { openapi?: unknown; paths?: Record<string, unknown> };
  if (!String(doc.openapi).startsWith('3.1')) return false;
  if (d.path.length !== 2 || d.path[0] !== 'paths') return false;
  const item = doc.paths?.[String(d.path[1])];
  return refOf(item) !== undefined;
}

/** The root with only the `keep` path items and the root's components they reach (refs stay resolvable). */
export function prune(root: Record<string, unknown>, keep: readonly string[], alsoComponents: readonly string[] = []): Record<string, unknown> {
  const paths = (root.paths ?? {}) as Json;
  const components = (root.components ?? {}) as Record<string, Json | undefined>;
  const kept: Record<string, Json> = {};
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    for (const [key, child] of Object.entries(value)) {
      if (key !== '$ref' || typeof child !== 'string') {
        visit(child);
        continue;
      }
      if (!child.startsWith('#/components/')) continue;
      const [type, name] = child.slice('#/components/'.length).split('/').map((token) => unescapeToken(decodeURIComponent(token)));
      const target = type !== undefined && name !== undefined ? components[type]?.[name] : undefined;
      if (target === undefined || kept[type!]?.[name!] !== undefined) continue;
      (kept[type!] ??= {})[name!] = target;
      visit(target);
    }
  };
  const keptPaths: Json = {};
  for (const path of keep) if (paths[path] !== undefined) keptPaths[path] = paths[path];
  visit(keptPaths);
  // Changed components no kept path item reaches (unused ones, say) are linted too.
  for (const pointer of alsoComponents) {
    const [type, name] = pointer.split('/').slice(2).map(unescapeToken);
    const target = type !== undefined && name !== undefined ? components[type]?.[name] : undefined;
    if (target === undefined || kept[type!]?.[name!] !== undefined) continue;
    (kept[type!] ??= {})[name!] = target;
    visit(target);
  }
  // Security schemes are named, not referenced: keep them all (they are small).
  if (components.securitySchemes) kept.securitySchemes = components.securitySchemes;
  // Webhooks (3.1, or 3.0's `x-webhooks`) are not paths: a pruned lint leaves them to the full one.
  const { webhooks: _webhooks, 'x-webhooks': _xWebhooks, ...rest } = root;
  visit(Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'paths' && key !== 'components')));
  return { ...rest, paths: keptPaths, ...(Object.keys(kept).length > 0 && { components: kept }) };
}

async function findRuleset(dir: string): Promise<string | undefined> {
  for (const name of RULESET_FILES) {
    const candidate = join(dir, name);
    try {
      await readFile(candidate);
      return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

type Json = Record<string, unknown>;

/**
 * Spectral's packages are CommonJS whose named exports Node's ESM loader cannot always see
 * (`@stoplight/spectral-parsers` shows only `default`); tsx shows them. Read them the same way under both.
 */
function commonJs<T extends object>(module: T): T {
  const fallback = (module as { default?: unknown }).default;
  return fallback && typeof fallback === 'object' ? ({ ...(fallback as object), ...module } as T) : module;
}

/**
 * A `.spectral.yaml` without the ruleset bundler (not installed): `extends` may name `spectral:oas`
 * (with `off`/`recommended`/`all`); rules may use Spectral's core functions by name, severities,
 * formats by name, overrides and aliases. Custom functions and other extends are reported and skipped.
 */
async function readRuleset(path: string, oas: unknown, results: LintResult[]): Promise<Json> {
  const [{ parse }, functions, formats] = await Promise.all([
    import('yaml'),
    import('@stoplight/spectral-functions').then(commonJs),
    import('@stoplight/spectral-formats').then(commonJs),
  ]);
  const raw: unknown = parse(await readFile(path, 'utf8'));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${shown(path)} is not an object`);
  const definition: Json = { ...(raw as Json) };
  const skip = (message: string): void => void results.push(at(path, 'warning', 'ruleset', message));

  const extendsOne = (entry: unknown): unknown => {
    const [name, severity] = Array.isArray(entry) ? entry : [entry, undefined];
    if (name === 'spectral:oas') return severity === undefined ? oas : [oas, severity];
    skip(`extends ${JSON.stringify(name)} is not supported here (only spectral:oas); skipped`);
    return undefined;
  };
  if (definition.extends !== undefined) {
    const list = Array.isArray(definition.extends) && !(definition.extends.length === 2 && typeof definition.extends[1] === 'string' && /^(off|recommended|all)$/.test(definition.extends[1]))
      ? definition.extends
      : [definition.extends];
    definition.extends = list.map(extendsOne).filter((entry) => entry !== undefined);
  }
  for (const key of ['functions', 'functionsDir']) {
    if (key in definition) skip(`"${key}" (custom functions) is not supported here; rules using them are skipped`);
    delete definition[key];
  }

  const named = functions as unknown as Record<string, unknown>;
  const namedFormats = formats as unknown as Record<string, unknown>;
  const mapFormats = (list: unknown): unknown =>
    Array.isArray(list) ? list.map((name) => (typeof name === 'string' ? namedFormats[name] : name)).filter(Boolean) : list;
  const mapRules = (rules: unknown): unknown => {
    if (rules === null || typeof rules !== 'object') return rules;
    const out: Json = {};
    for (const [name, rule] of Object.entries(rules as Json)) {
      if (rule === null || typeof rule !== 'object') {
        out[name] = rule;
        continue;
      }
      const copy: Json = { ...(rule as Json) };
      if (copy.formats !== undefined) copy.formats = mapFormats(copy.formats);
      const thens = Array.isArray(copy.then) ? copy.then : [copy.then];
      const mapped = thens.map((then: unknown) => {
        const step = { ...(then as Json) };
        if (typeof step.function === 'string') step.function = named[step.function];
        return step;
      });
      if (mapped.some((step) => typeof step.function !== 'function')) {
        skip(`rule "${name}" uses a function that is not one of Spectral's core functions; skipped`);
        continue;
      }
      copy.then = Array.isArray(copy.then) ? mapped : mapped[0];
      out[name] = copy;
    }
    return out;
  };
  if (definition.rules !== undefined) definition.rules = mapRules(definition.rules);
  if (definition.formats !== undefined) definition.formats = mapFormats(definition.formats);
  if (Array.isArray(definition.overrides)) {
    definition.overrides = definition.overrides.map((override: unknown) => {
      const copy: Json = { ...(override as Json) };
      if (copy.rules !== undefined) copy.rules = mapRules(copy.rules);
      if (copy.extends !== undefined) copy.extends = (Array.isArray(copy.extends) ? copy.extends : [copy.extends]).map(extendsOne).filter((e) => e !== undefined);
      return copy;
    });
  }
  return definition;
}

function fromProblem(problem: DesignProblem): LintResult {
  return {
    file: problem.file,
    line: problem.line,
    column: problem.column,
    severity: problem.severity,
    code: problem.code ?? 'portico',
    message: problem.message,
    pointer: problem.pointer ?? '',
  };
}

function at(path: string, severity: LintSeverity, code: string, message: string): LintResult {
  return { file: shown(path), line: 1, column: 1, severity, code, message, pointer: '' };
}

function shown(path: string): string {
  return displayPath(/^[a-z][a-z0-9+.-]+:\/\//i.test(path) ? path : pathToFileURL(path).href);
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(messageOf).join('; ');
  return error instanceof Error ? error.message : String(error);
}

export function sortResults(results: LintResult[]): LintResult[] {
  return [...results].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)));
}
