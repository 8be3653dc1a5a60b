/**
 * loadDesign: the root file and every file it reaches by `$ref`, each read once, checked, and
 * handed to `Design`. Every problem of every file is collected before anything is thrown.
 */

import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Design, DesignError, displayPath, type DesignProblem, type SourceFile } from './design.js';
import { escapeToken, valueAt } from './json-pointer.js';
import { parseSource } from './parse-source.js';

export interface LoadOptions {
  /** Follow `http:`/`https:` refs (and accept a remote root). Off by default: a design must not phone out. */
  allowRemoteRefs?: boolean;
  /** Used for remote files when they are allowed; defaults to the global fetch. */
  fetch?: (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;
  /**
   * Reads a local file (`file:` URL) instead of the disk: an editor's unsaved text (overlays) is seen this way
   * without temporary files. Errors carry Node's `code` (`ENOENT`, ...) as `readFile`'s do.
   */
  read?: (url: string) => Promise<string>;
}

/** A `$ref` as written: where it stands and where it points. */
interface RefSite {
  fromFile: string;
  pointer: string;
  ref: string;
  targetFile: string;
  fragment: string;
}

type Loaded = { ok: true; file: SourceFile } | { ok: false; reason: string };

/** Loads a design; throws one `DesignError` carrying every error found, in every file. */
export async function loadDesign(path: string, options: LoadOptions = {}): Promise<Design> {
  const { design, problems } = await inspectDesign(path, options);
  if (!design) throw new DesignError(problems);
  return design;
}

/**
 * Loads what can be loaded and reports every problem (errors and warnings) without throwing:
 * `design` is present only when there is no error. For lint and editors.
 */
export async function inspectDesign(path: string, options: LoadOptions = {}): Promise<{ design: Design | undefined; problems: DesignProblem[] }> {
  const rootUrl = toUrl(path);
  const files = new Map<string, SourceFile>();
  const loads = new Map<string, Promise<Loaded>>();
  const problems: DesignProblem[] = [];
  const refs: RefSite[] = [];
  const notices: string[] = [];
  /** Files with syntax errors: their partial values would only add noise to the shape checks. */
  const unparsable = new Set<string>();

  const load = (url: string, isRoot = false): Promise<Loaded> => {
    let pending = loads.get(url);
    if (!pending) {
      pending = readSource(url, options).then(async (read): Promise<Loaded> => {
        if (!read.ok) return read;
        const parsed = parseSource(url, read.text);
        problems.push(...parsed.problems);
        if (parsed.problems.some((p) => p.severity === 'error')) unparsable.add(url);
        let file: SourceFile = parsed.file;
        if (isRoot && isSwagger2(file.value)) {
          file = await convertSwagger2(file, problems);
          notices.push('converted from Swagger 2.0');
        }
        files.set(url, file);
        collectRefs(file.value, (pointer, ref) => {
          const site = refSite(url, pointer, ref);
          if (typeof site === 'string') {
            problems.push(at(file, pointer + '/$ref', site, 'unresolved-ref'));
            return;
          }
          refs.push(site);
          if (isRemote(site.targetFile) && !options.allowRemoteRefs) {
            problems.push(at(file, site.pointer, `remote $ref "${ref}" refused: remote references are not allowed (allowRemoteRefs is off)`, 'remote-ref'));
            return;
          }
          if (site.targetFile !== url) load(site.targetFile);
        });
        return { ok: true, file };
      });
      loads.set(url, pending);
      inFlight.push(pending);
    }
    return pending;
  };

  // A file does not wait for the files it refers to (refs may be circular); instead, wait here until
  // no load is in flight any more.
  const inFlight: Promise<Loaded>[] = [];
  const root = await load(rootUrl, true);
  while (inFlight.length > 0) await Promise.all(inFlight.splice(0));
  if (!root.ok) {
    return { design: undefined, problems: [{ file: displayPath(rootUrl), line: 1, column: 1, severity: 'error', code: 'unreadable', message: root.reason }] };
  }

  const version = unparsable.has(rootUrl) ? undefined : checkRoot(root.file, problems);
  for (const site of refs) {
    if (unparsable.has(site.targetFile)) continue; // its syntax errors say why
    const message = await checkRef(site, files, loads, options, version);
    if (message) problems.push(at(files.get(site.fromFile) as SourceFile, site.pointer, message, 'unresolved-ref'));
  }

  const sorted = sortProblems(problems);
  if (sorted.some((p) => p.severity === 'error')) return { design: undefined, problems: sorted };
  return { design: new Design(rootUrl, files, notices, sorted), problems: sorted };
}

function toUrl(path: string): string {
  if (/^(file|https?):/i.test(path)) return new URL(path).href;
  return pathToFileURL(isAbsolute(path) ? path : resolve(path)).href;
}

function isRemote(url: string): boolean {
  return url.startsWith('http:') || url.startsWith('https:');
}

async function readSource(url: string, options: LoadOptions): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  try {
    if (url.startsWith('file:')) return { ok: true, text: await (options.read ? options.read(url) : readFile(fileURLToPath(url), 'utf8')) };
    if (!isRemote(url)) return { ok: false, reason: `unsupported URL scheme in ${url}` };
    if (!options.allowRemoteRefs) return { ok: false, reason: `remote file ${url} refused: remote references are not allowed` };
    const response = await (options.fetch ?? globalThis.fetch)(url);
    if (!response.ok) return { ok: false, reason: `cannot fetch ${url}: HTTP ${response.status}` };
    return { ok: true, text: await response.text() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `cannot read ${displayPath(url)}: ${why}` };
  }
}

/** Calls `visit` for every string `$ref` in `value`, wherever it stands (schemas, extensions, ...). */
function collectRefs(value: unknown, visit: (pointer: string, ref: string) => void): void {
  const path: string[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(String(i));
        walk(node[i]);
        path.pop();
      }
      return;
    }
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      if (key === '$ref' && typeof child === 'string') {
        visit(path.map((token) => '/' + escapeToken(token)).join(''), child);
        continue;
      }
      if (child !== null && typeof child === 'object') {
        path.push(key);
        walk(child);
        path.pop();
      }
    }
  };
  walk(value);
}

/** The `$ref` at `pointer` of `fromFile`, resolved to an absolute target; a string when it cannot be. */
function refSite(fromFile: string, pointer: string, ref: string): RefSite | string {
  const hash = ref.indexOf('#');
  const base = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? '' : ref.slice(hash + 1);
  let targetFile: string;
  try {
    targetFile = base === '' ? fromFile : new URL(base, fromFile).href;
  } catch {
    return `$ref "${ref}" is not a valid reference`;
  }
  // The `$ref` key itself is where the reader should look.
  return { fromFile, pointer: pointer + '/$ref', ref, targetFile, fragment };
}

async function checkRef(
  site: RefSite,
  files: Map<string, SourceFile>,
  loads: Map<string, Promise<Loaded>>,
  options: LoadOptions,
  version: string | undefined,
): Promise<string | undefined> {
  if (isRemote(site.targetFile) && !options.allowRemoteRefs) return undefined; // already reported
  const loaded = await loads.get(site.targetFile);
  if (!loaded) return `$ref "${site.ref}": ${displayPath(site.targetFile)} was not loaded`;
  if (!loaded.ok) return `$ref "${site.ref}": ${loaded.reason}`;
  const target = files.get(site.targetFile) as SourceFile;
  if (target.value === undefined) return undefined; // the file's own parse problems say why
  let pointer: string;
  try {
    pointer = decodeURIComponent(site.fragment);
  } catch {
    return `$ref "${site.ref}": invalid percent-encoding in the fragment`;
  }
  if (pointer !== '' && !pointer.startsWith('/')) {
    // 3.1 schemas may point at a `$anchor` by plain name; ajv resolves those.
    return version?.startsWith('3.1') ? undefined : `$ref "${site.ref}": the fragment must be a JSON pointer ("#/...")`;
  }
  if (valueAt(target.value, pointer) === undefined) {
    return `$ref "${site.ref}": ${displayPath(site.targetFile)} has nothing at "${pointer}"`;
  }
  return undefined;
}

/** Checks the root document's shape; returns the declared `openapi` version when it is usable. */
function checkRoot(root: SourceFile, problems: DesignProblem[]): string | undefined {
  const doc = root.value;
  if (doc === undefined) return undefined; // unparsable: its parse problems say why
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    problems.push(at(root, '', 'an OpenAPI document must be an object (a YAML mapping or JSON object)', 'not-openapi'));
    return undefined;
  }
  const record = doc as Record<string, unknown>;
  const declared = record.openapi;
  let version: string | undefined;
  if (declared === undefined) {
    problems.push(at(root, '', 'missing "openapi" field: expected openapi: 3.0.x or 3.1.x', 'openapi-version'));
  } else if (typeof declared !== 'string' || !/^3\.[01]\.\d+(-.+)?$/.test(declared)) {
    const hint = typeof declared === 'number' ? ' (write it as a string: openapi: "3.0.3")' : '';
    problems.push(at(root, '/openapi', `unsupported openapi version ${JSON.stringify(declared)}: expected 3.0.x or 3.1.x${hint}`, 'openapi-version'));
  } else {
    version = declared;
  }
  if (record.info === undefined) problems.push(at(root, '', 'missing "info" object', 'missing-info'));
  else if (record.info === null || typeof record.info !== 'object') problems.push(at(root, '/info', '"info" must be an object', 'missing-info'));
  const is31 = version?.startsWith('3.1') ?? false;
  if (is31) {
    if (record.paths === undefined && record.webhooks === undefined && record.components === undefined) {
      problems.push(at(root, '', 'an OpenAPI 3.1 document needs at least one of "paths", "webhooks" or "components"', 'missing-paths'));
    }
  } else if (record.paths === undefined) {
    problems.push(at(root, '', 'missing "paths" object', 'missing-paths'));
  }
  if (record.paths !== undefined && (record.paths === null || typeof record.paths !== 'object' || Array.isArray(record.paths))) {
    problems.push(at(root, '/paths', '"paths" must be an object', 'missing-paths'));
  }
  return version;
}

function at(file: SourceFile, pointer: string, message: string, code: string): DesignProblem {
  return { file: displayPath(file.url), ...file.locate(pointer), severity: 'error', code, message, pointer };
}

function sortProblems(problems: DesignProblem[]): DesignProblem[] {
  return [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

function isSwagger2(value: unknown): boolean {
  return value !== null && typeof value === 'object' && String((value as Record<string, unknown>).swagger) === '2.0';
}

/** Where converted nodes came from in Swagger 2.0, for positions. */
const SWAGGER_PLACES: [string, string][] = [
  ['/components/schemas/', '/definitions/'],
  ['/components/parameters/', '/parameters/'],
  ['/components/responses/', '/responses/'],
  ['/components/securitySchemes/', '/securityDefinitions/'],
];

async function convertSwagger2(original: SourceFile, problems: DesignProblem[]): Promise<SourceFile> {
  // Loaded only for Swagger documents: it costs ~50 ms to import.
  const specifier = 'swagger2openapi'; // untyped package: declared just below
  const { default: swagger2openapi } = (await import(specifier)) as {
    default: { convertObj(doc: unknown, options: Record<string, unknown>): Promise<{ openapi: unknown }> };
  };
  let converted: unknown;
  try {
    const result = await swagger2openapi.convertObj(structuredClone(original.value), {
      patch: true,
      warnOnly: true,
      resolve: false,
      resolveInternal: false,
      direct: false,
    });
    converted = result.openapi;
  } catch (error) {
    problems.push(at(original, '', `cannot convert Swagger 2.0: ${error instanceof Error ? error.message : String(error)}`, 'swagger-conversion'));
    return original;
  }
  return {
    url: original.url,
    value: converted,
    locate(pointer) {
      if (valueAt(original.value, pointer) !== undefined) return original.locate(pointer);
      for (const [now, before] of SWAGGER_PLACES) {
        if (pointer.startsWith(now)) return original.locate(before + pointer.slice(now.length));
      }
      return { line: 1, column: 1 };
    },
  };
}
