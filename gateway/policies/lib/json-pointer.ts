/**
 * JSON pointers (RFC 6901) over parsed JSON, for transform-body. A `*` token stands for every element of an array
 * (or every member of an object), so `/items/*\/price` reaches each item's price. Deterministic, no code.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON pointer (it must start with /)`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const isContainer = (value: Json | undefined): value is Json[] | { [key: string]: Json } => typeof value === 'object' && value !== null;

function childOf(container: Json[] | { [key: string]: Json }, token: string): Json | undefined {
  if (Array.isArray(container)) return /^\d+$/.test(token) ? container[Number(token)] : undefined;
  return Object.prototype.hasOwnProperty.call(container, token) ? container[token] : undefined;
}

/** Every concrete path (tokens) the pointer reaches in `doc`, with `*` expanded. */
export function expand(doc: Json, tokens: readonly string[]): string[][] {
  let paths: { path: string[]; value: Json }[] = [{ path: [], value: doc }];
  for (const token of tokens) {
    const next: { path: string[]; value: Json }[] = [];
    for (const { path, value } of paths) {
      if (!isContainer(value)) continue;
      if (token === '*') {
        const keys = Array.isArray(value) ? value.map((_, i) => String(i)) : Object.keys(value);
        for (const key of keys) next.push({ path: [...path, key], value: childOf(value, key)! });
      } else {
        const child = childOf(value, token);
        if (child !== undefined) next.push({ path: [...path, token], value: child });
      }
    }
    paths = next;
  }
  return paths.map((p) => p.path);
}

export function get(doc: Json, path: readonly string[]): Json | undefined {
  let current: Json | undefined = doc;
  for (const token of path) {
    if (!isContainer(current)) return undefined;
    current = childOf(current, token);
  }
  return current;
}

/** Removes the member or element at `path` (array elements are spliced out). */
export function remove(doc: Json, path: readonly string[]): void {
  const parent = get(doc, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (/^\d+$/.test(last)) parent.splice(Number(last), 1);
  } else if (isContainer(parent)) delete parent[last];
}

/** Sets `value` at `path`, creating objects on the way (`-` appends to an array). */
export function set(doc: Json, path: readonly string[], value: Json): void {
  let current: Json = doc;
  for (let i = 0; i < path.length - 1; i++) {
    const token = path[i]!;
    let child: Json | undefined = isContainer(current) ? childOf(current, token) : undefined;
    if (!isContainer(child)) {
      child = {};
      assign(current, token, child);
    }
    current = child;
  }
  assign(current, path[path.length - 1]!, value);
}

function assign(container: Json, token: string, value: Json): void {
  if (Array.isArray(container)) {
    if (token === '-') container.push(value);
    else if (/^\d+$/.test(token)) container[Number(token)] = value;
  } else if (isContainer(container)) container[token] = value;
}

/** Copies the value at `path` of `source` into `target`, creating the containers on the way as `source` has them (arrays stay arrays). */
export function copyPath(source: Json, target: Json, path: readonly string[]): void {
  let from: Json | undefined = source;
  let to: Json = target;
  for (let i = 0; i < path.length; i++) {
    const token = path[i]!;
    from = isContainer(from) ? childOf(from, token) : undefined;
    if (from === undefined) return;
    if (i === path.length - 1) {
      assign(to, token, structuredClone(from));
      return;
    }
    let next: Json | undefined = isContainer(to) ? childOf(to, token) : undefined;
    if (!isContainer(next)) {
      next = Array.isArray(from) ? [] : {};
      assign(to, token, next);
    }
    to = next;
  }
}
