import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { appendPointer, valueAt } from './json-pointer.js';

/**
 * A loaded OpenAPI design: every file of the workspace that the root reaches by `$ref`,
 * kept as parsed (refs not inlined) so that any node can be traced back to its file, line and column.
 * Structural refs (path items, parameters, responses, ...) are followed lazily with `deref`;
 * schemas are handed to ajv by URI (`refUri`) so that ajv resolves schema refs, circular ones included.
 */

export interface SourcePosition {
  /** Path for messages, relative to the working directory when possible. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface DesignProblem extends SourcePosition {
  message: string;
  severity: 'error' | 'warning';
  /** Where in the document, when known. */
  pointer?: string;
  /** Short machine-readable kind (`parser`, `duplicate-key`, `unresolved-ref`, ...), when known. */
  code?: string;
}

export function formatProblem(problem: DesignProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}

/** Thrown when a design cannot be used; carries every problem found, not just the first. */
export class DesignError extends Error {
  constructor(readonly problems: DesignProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'DesignError';
  }
}

export interface SourceFile {
  /** Absolute URL: file:///... for local files (remote ones only when allowed). */
  url: string;
  value: unknown;
  /** 1-based position of the node at `pointer`, or of its nearest ancestor present in the source. */
  locate(pointer: string): { line: number; column: number };
}

/** A value together with where it stands. */
export interface Node<T = unknown> {
  readonly value: T;
  /** URL of the file holding it. */
  readonly file: string;
  readonly pointer: string;
}

export type OpenApiVersion = '3.0' | '3.1';

export class Design {
  readonly root: Node<Record<string, unknown>>;
  readonly version: OpenApiVersion;

  constructor(
    readonly rootUrl: string,
    readonly files: ReadonlyMap<string, SourceFile>,
    /** Things the user should know that are not problems (e.g. "converted from Swagger 2.0"). */
    readonly notices: readonly string[] = [],
    /** Problems of severity 'warning' found while loading (errors would have stopped the load). */
    readonly warnings: readonly DesignProblem[] = [],
  ) {
    const rootFile = files.get(rootUrl);
    if (!rootFile || typeof rootFile.value !== 'object' || rootFile.value === null) {
      throw new Error(`design root ${rootUrl} is not loaded`);
    }
    this.root = { value: rootFile.value as Record<string, unknown>, file: rootUrl, pointer: '' };
    const declared = String((rootFile.value as Record<string, unknown>).openapi ?? '');
    this.version = declared.startsWith('3.1') ? '3.1' : '3.0';
  }

  /** The child at `keys` without following refs. */
  child<T = unknown>(node: Node, ...keys: (string | number)[]): Node<T> | undefined {
    let value: unknown = node.value;
    for (const key of keys) {
      if (value === null || typeof value !== 'object') return undefined;
      if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
      value = (value as Record<string, unknown>)[key as string];
    }
    if (value === undefined) return undefined;
    return { value: value as T, file: node.file, pointer: appendPointer(node.pointer, ...keys) };
  }

  /** Follows `$ref` (across files, chains of refs) until a node that is not a reference. */
  deref<T = unknown>(node: Node): Node<T> {
    let current = node;
    const seen = new Set<string>();
    for (;;) {
      const ref = refOf(current.value);
      if (ref === undefined) return current as Node<T>;
      const key = `${current.file}#${current.pointer}`;
      if (seen.has(key)) throw new Error(`circular $ref at ${this.describe(current)}`);
      seen.add(key);
      const target = this.resolveRef(current.file, ref);
      if (!target) throw new Error(`unresolved $ref "${ref}" at ${this.describe(current)}`);
      current = target;
    }
  }

  /** Child lookup that follows refs at every step, as readers of OpenAPI must. */
  get<T = unknown>(node: Node, ...keys: (string | number)[]): Node<T> | undefined {
    let current: Node | undefined = this.deref(node);
    for (const key of keys) {
      const next: Node | undefined = this.child(current, key);
      if (!next) return undefined;
      current = this.deref(next);
    }
    return current as Node<T>;
  }

  /** The node a `$ref` written in `fromFile` points at, or undefined when the file or pointer is missing. */
  resolveRef(fromFile: string, ref: string): Node | undefined {
    const hash = ref.indexOf('#');
    const base = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '' : ref.slice(hash + 1);
    const file = base === '' ? fromFile : new URL(base, fromFile).href;
    const source = this.files.get(file);
    if (!source) return undefined;
    let pointer: string;
    try {
      pointer = decodeURIComponent(fragment);
    } catch {
      return undefined;
    }
    const value = valueAt(source.value, pointer);
    if (value === undefined) return undefined;
    return { value, file, pointer };
  }

  locate(node: Pick<Node, 'file' | 'pointer'>): SourcePosition {
    const source = this.files.get(node.file);
    const at = source ? source.locate(node.pointer) : { line: 1, column: 1 };
    return { file: displayPath(node.file), ...at };
  }

  problem(node: Pick<Node, 'file' | 'pointer'>, message: string, severity: DesignProblem['severity'] = 'error'): DesignProblem {
    return { ...this.locate(node), message, severity, pointer: node.pointer };
  }

  /** A URI ajv (or any JSON Schema tool given the files by URL) can use as `$ref` to reach this node. */
  refUri(node: Pick<Node, 'file' | 'pointer'>): string {
    return `${node.file}#${encodeURI(node.pointer)}`;
  }

  private describe(node: Node): string {
    const at = this.locate(node);
    return `${at.file}:${at.line}:${at.column}`;
  }
}

export function refOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const ref = (value as Record<string, unknown>).$ref;
  return typeof ref === 'string' ? ref : undefined;
}

/** File URL → path relative to the working directory (for messages); other URLs unchanged. */
export function displayPath(url: string): string {
  if (!url.startsWith('file:')) return url;
  const absolute = fileURLToPath(url);
  const rel = relative(process.cwd(), absolute);
  return rel.startsWith('..') ? absolute : rel;
}
