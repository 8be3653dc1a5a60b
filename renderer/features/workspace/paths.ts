/** Workspace-relative POSIX paths (the renderer has no Node `path`). */
export function dirname(path: string) {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function joinPath(base: string, relative: string): string {
  const out: string[] = [];
  for (const part of `${base}/${relative}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

export const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Problems may name files relative to the workspace or absolutely; the UI keys everything by relative path. */
export function relativeTo(root: string, file: string): string {
  const f = file.replace(/\\/g, '/');
  const r = root.replace(/\\/g, '/').replace(/\/$/, '');
  return f.startsWith(r + '/') ? f.slice(r.length + 1) : f.replace(/^\.\//, '');
}
