import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, open, readdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpcError, type FileEntry, type TemplateInfo, type WorkspaceInfo } from '../contract/index.js';

/**
 * A workspace: a folder of design files. Reads and writes stay inside its root (symlinks that lead out are
 * refused), versions are content hashes (a write with a stale `expectedVersion` is a conflict), and the folder is
 * watched: changes arrive, debounced, as workspace-relative paths.
 */

export interface WorkspaceOptions {
  /** The design's root document, relative to the folder; default: found (see `findSpec`). */
  spec?: string;
  /** Called with the paths that changed on disk (ours included), at most every `debounceMs`. */
  onChange?: (paths: string[]) => void;
  debounceMs?: number;
  /** Default true. */
  watch?: boolean;
}

export interface Workspace {
  /** Real path of the folder. */
  readonly root: string;
  /** The design's root document, relative to `root` ('' when the folder has none). */
  readonly spec: string;
  /** Absolute path of the spec. */
  readonly specPath: string;
  info(): Promise<WorkspaceInfo>;
  read(path: string): Promise<{ path: string; text: string; version: string }>;
  write(path: string, text: string, expectedVersion?: string): Promise<{ path: string; version: string }>;
  /** Absolute path of a workspace-relative path, refusing anything outside the root. */
  resolve(path: string): string;
  /** Workspace-relative (forward slashes) for a path inside the root; undefined outside. */
  relativize(absolute: string): string | undefined;
  close(): void;
}

const SKIPPED = new Set(['node_modules', '.git', '.portico']);
const DESIGN_NAMES = ['openapi.yaml', 'openapi.yml', 'openapi.json'];
const MAX_FILES = 20_000;
const MAX_WATCHED_DIRS = 2_000;

export async function openWorkspace(folder: string, options: WorkspaceOptions = {}): Promise<Workspace> {
  let root: string;
  try {
    root = await realpath(resolve(folder));
  } catch {
    throw new RpcError('not_found', `no such folder: ${folder}`);
  }
  if (!(await stat(root)).isDirectory()) throw new RpcError('bad_request', `not a folder: ${folder}`);

  const relativize = (absolute: string): string | undefined => {
    const rel = relative(root, absolute);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    return rel.split(sep).join('/');
  };
  const resolveInside = (path: string): string => {
    const absolute = resolve(root, path);
    if (relativize(absolute) === undefined) throw new RpcError('forbidden', `${path} is outside the workspace`);
    return absolute;
  };
  /** The real path must stay inside too: a symlink may lead out. For a file not yet there, its nearest existing parent. */
  const realInside = async (absolute: string): Promise<string> => {
    let probe = absolute;
    for (;;) {
      try {
        const real = await realpath(probe);
        if (real !== root && relativize(real) === undefined) throw new RpcError('forbidden', `${relativize(absolute) ?? absolute} leads outside the workspace`);
        return probe === absolute ? real : join(real, relative(probe, absolute));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        const parent = dirname(probe);
        if (parent === probe) throw error;
        probe = parent;
      }
    }
  };

  const files = await listFiles(root);
  const spec = options.spec !== undefined ? checkSpec(options.spec) : (findSpec(files) ?? '');
  function checkSpec(path: string): string {
    resolveInside(path);
    return path.split(sep).join('/');
  }

  const watcher = options.watch === false || !options.onChange ? undefined : watchTree(root, options.onChange, options.debounceMs ?? 100);

  return {
    root,
    spec,
    specPath: spec === '' ? join(root, 'openapi.yaml') : resolve(root, spec),
    async info() {
      return { root, spec, files: await listFiles(root) };
    },
    async read(path) {
      const real = await realInside(resolveInside(path));
      let text: string;
      try {
        text = await readFile(real, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new RpcError('not_found', `no such file: ${path}`);
        if (code === 'EISDIR') throw new RpcError('bad_request', `${path} is a folder`);
        throw error;
      }
      return { path: toSlash(path), text, version: versionOf(text) };
    },
    async write(path, text, expectedVersion) {
      const real = await realInside(resolveInside(path));
      if (expectedVersion !== undefined) {
        const current = await readFile(real, 'utf8').then(versionOf, (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return 'absent';
          throw error;
        });
        if (current !== expectedVersion) throw new RpcError('conflict', `${path} changed on disk since it was read`, { version: current });
      }
      await mkdir(dirname(real), { recursive: true });
      // Whole or nothing: the gateway reloads on change and must not read a half-written file.
      const temporary = join(dirname(real), `.${Math.random().toString(36).slice(2)}.portico-tmp`);
      try {
        await writeFile(temporary, text, 'utf8');
        await rename(temporary, real);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
      return { path: toSlash(path), version: versionOf(text) };
    },
    resolve: resolveInside,
    relativize,
    close() {
      watcher?.close();
    },
  };
}

/** Content hash: mtime and size miss two quick writes of the same length. */
export function versionOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

function toSlash(path: string): string {
  return path.split(/[\\/]/).filter((p) => p !== '' && p !== '.').join('/');
}

/** `openapi.yaml|yml|json` at the root, else the first OpenAPI document found (shallowest, then by name). */
export function findSpec(files: readonly FileEntry[]): string | undefined {
  for (const name of DESIGN_NAMES) if (files.some((f) => f.path === name)) return name;
  const designs = files.filter((f) => f.kind === 'openapi').sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.path < b.path ? -1 : 1));
  return designs[0]?.path;
}

async function listFiles(root: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (out.length >= MAX_FILES) return;
      if (SKIPPED.has(entry.name) || entry.name.endsWith('.portico-tmp')) continue;
      const absolute = join(dir, entry.name);
      if (entry.isDirectory()) await walk(absolute);
      else if (entry.isFile()) {
        const size = (await lstat(absolute).catch(() => undefined))?.size ?? 0;
        out.push({ path: relative(root, absolute).split(sep).join('/'), kind: await kindOf(absolute, entry.name), size });
      }
    }
  };
  await walk(root);
  return out;
}

async function kindOf(absolute: string, name: string): Promise<FileEntry['kind']> {
  const ext = extname(name).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') return 'other';
  const head = await readHead(absolute, 4096);
  if (ext === '.json' ? /^\s*\{[\s\S]*?"(openapi|swagger)"\s*:/.test(head) && /"(openapi|swagger)"\s*:\s*"[23]\./.test(head) : /^(openapi|swagger)\s*:/m.test(head)) return 'openapi';
  return ext === '.json' ? 'json' : 'yaml';
}

async function readHead(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** `fs.watch` with `recursive` is not available on Linux in Node 20: one watcher per folder, new folders picked up. */
function watchTree(root: string, onChange: (paths: string[]) => void, debounceMs: number): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = () => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    const paths = [...pending].sort();
    pending.clear();
    onChange(paths);
  };
  const add = async (dir: string): Promise<void> => {
    if (closed || watchers.has(dir) || watchers.size >= MAX_WATCHED_DIRS) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null) return;
        const file = String(name);
        if (SKIPPED.has(file) || file.endsWith('.portico-tmp')) return;
        const absolute = join(dir, file);
        const rel = relative(root, absolute).split(sep).join('/');
        pending.add(rel);
        timer ??= setTimeout(flush, debounceMs);
        // A new folder: watch it (and what it already holds).
        void stat(absolute).then(
          (s) => (s.isDirectory() ? add(absolute) : undefined),
          () => {
            watchers.get(absolute)?.close();
            watchers.delete(absolute);
          },
        );
      });
    } catch {
      return;
    }
    watcher.on('error', () => {
      watcher.close();
      watchers.delete(dir);
    });
    watchers.set(dir, watcher);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory() && !SKIPPED.has(entry.name)) await add(join(dir, entry.name));
  };
  void add(root);
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

/**
 * The bundled workspace templates: `<dir>/templates.json` lists them (id, title, description), `<dir>/<id>/` holds
 * each one's files. Packaged desktop builds carry them in `resources/templates` beside the app; otherwise they are
 * found from this module (source `gateway/services/` or built `dist/gateway/services/`).
 */
export function templatesFolder(): string {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'templates', 'templates.json'))) return join(packaged, 'templates');
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'resources', 'templates');
    if (existsSync(join(candidate, 'templates.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources', 'templates');
    dir = parent;
  }
}

export async function listTemplates(dir = templatesFolder()): Promise<TemplateInfo[]> {
  return (await readTemplates(dir)).map(({ id, title, description }) => ({ id, title, description }));
}

/**
 * The templates of `templates.json` whose files exist. A template's files are its own folder, or `source` relative
 * to the templates folder: the petstore template is the bundled example itself, so the two cannot drift apart
 * (packaged, both sit side by side under resources).
 */
async function readTemplates(dir: string): Promise<Array<TemplateInfo & { source: string }>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(dir, 'templates.json'), 'utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: Array<TemplateInfo & { source: string }> = [];
  for (const entry of parsed as Array<Partial<TemplateInfo> & { source?: unknown }>) {
    if (typeof entry?.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(entry.id)) continue;
    const source = join(dir, typeof entry.source === 'string' ? entry.source : entry.id);
    if (!existsSync(source)) continue;
    out.push({ id: entry.id, title: typeof entry.title === 'string' ? entry.title : entry.id, description: typeof entry.description === 'string' ? entry.description : '', source });
  }
  return out;
}

/**
 * Copies template `id` into `folder` (created when missing, parents too). Refuses a folder that already holds
 * anything (a conflict: nothing is overwritten) and a template that does not exist. Returns the folder's real path.
 */
export async function createFromTemplate(folder: string, id: string, dir = templatesFolder()): Promise<string> {
  const template = (await readTemplates(dir)).find((t) => t.id === id);
  if (!template) throw new RpcError('not_found', `no such template: ${id}`);
  const target = resolve(folder);
  const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing && !existing.isDirectory()) throw new RpcError('conflict', `${folder} exists and is not a folder`);
  if (existing && (await readdir(target)).length > 0) throw new RpcError('conflict', `${folder} is not empty: choose a new or empty folder`);
  await mkdir(target, { recursive: true });
  await cp(template.source, target, { recursive: true, errorOnExist: true, force: false, filter: (source) => !/[\\/](\.portico|node_modules)$/.test(source) });
  return realpath(target);
}
