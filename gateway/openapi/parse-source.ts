/**
 * One file of a design: text → value + a way back from a JSON pointer to a line and column.
 * JSON goes through the native JSON.parse (a 13 MB spec in a fraction of a second) and is only
 * scanned for positions when asked; YAML goes through `yaml`, whose node tree answers positions.
 */

import { createRequire } from 'node:module';
import type { Document, LineCounter, Node as YamlNode, YAMLError } from 'yaml';
import { displayPath, type DesignProblem, type SourceFile } from './design.js';
import { JsonSyntaxError, LineTable, scanJson, type JsonIndex } from './json-source.js';
import { parsePointer } from './json-pointer.js';
import type * as YamlModule from 'yaml';

/**
 * JSON files up to this size are scanned at load for duplicate keys (JSON.parse keeps the last silently);
 * bigger ones are machine-written in practice, and are only scanned when a position is asked for.
 */
export const JSON_DUPLICATE_CHECK_LIMIT = 1_000_000;

/** Most aliases a YAML file may expand; far above what hand-written designs use, far below a "billion laughs". */
export const MAX_YAML_ALIASES = 1000;

export type SourceFormat = 'json' | 'yaml';

export interface ParsedSource {
  file: SourceFile & { format: SourceFormat };
  problems: DesignProblem[];
}

const require = createRequire(import.meta.url);
let yamlModule: typeof YamlModule | undefined;
/** `yaml` costs ~20 ms to import: only designs written in YAML pay it. */
function yaml(): typeof YamlModule {
  return (yamlModule ??= require('yaml') as typeof YamlModule);
}

export function parseSource(url: string, text: string): ParsedSource {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const offsetShift = body.length === text.length ? 0 : 1;
  if (looksLikeJson(url, body)) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      value = undefined;
    }
    if (value !== undefined) {
      const file = new JsonSourceFile(url, value, text, offsetShift);
      return { file, problems: text.length <= JSON_DUPLICATE_CHECK_LIMIT ? file.duplicateKeys() : [] };
    }
    if (isJsonPath(url)) return jsonFailure(url, text, body, offsetShift);
    // Not JSON after all (a YAML flow mapping, say): YAML decides.
  }
  return fastYaml(url, text) ?? parseYaml(url, text);
}

type JsYaml = { load(text: string, options: { schema: unknown; json?: boolean }): unknown; CORE_SCHEMA: unknown };
let jsYamlModule: JsYaml | null | undefined;
function jsYaml(): JsYaml | null {
  if (jsYamlModule === undefined) {
    try {
      jsYamlModule = require('js-yaml') as JsYaml;
    } catch {
      jsYamlModule = null;
    }
  }
  return jsYamlModule;
}

/** Anchors or aliases anywhere (or text that merely looks like them): such files take the guarded path. */
const ANCHOR_OR_ALIAS = /(?:^|[\s[{,])[&*][^\s[\]{},]/m;

/**
 * Fast path: js-yaml reads a clean file ~8x faster than `yaml` composes a Document, which matters at
 * start-up (a 100-operation design: ~4 ms instead of ~30 ms). Positions then come from `yaml`, lazily.
 * Any doubt — a syntax error, a duplicate key, a tag, anchors/aliases (the alias limit lives in `yaml`) —
 * returns undefined, and `yaml` reads the file and reports every problem.
 */
function fastYaml(url: string, text: string): ParsedSource | undefined {
  if (ANCHOR_OR_ALIAS.test(text)) return undefined;
  const loader = jsYaml();
  if (!loader) return undefined;
  let value: unknown;
  try {
    value = loader.load(text, { schema: loader.CORE_SCHEMA });
  } catch {
    return undefined;
  }
  return { file: new YamlSourceFile(url, value === undefined ? null : value, () => composeYaml(text)), problems: [] };
}

function composeYaml(text: string): { doc: Document; lineCounter: LineCounter } {
  const { parseDocument, LineCounter } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, merge: true, logLevel: 'error' });
  return { doc, lineCounter };
}

function isJsonPath(url: string): boolean {
  return /\.json$/i.test(new URL(url).pathname);
}

function looksLikeJson(url: string, body: string): boolean {
  if (isJsonPath(url)) return true;
  const first = /\S/.exec(body)?.[0];
  return first === '{' || first === '[';
}

function jsonFailure(url: string, text: string, body: string, shift: number): ParsedSource {
  const lines = new LineTable(text);
  let problem: DesignProblem;
  try {
    scanJson(body);
    problem = { file: displayPath(url), line: 1, column: 1, severity: 'error', message: 'invalid JSON' };
  } catch (error) {
    const offset = error instanceof JsonSyntaxError ? error.offset + shift : 0;
    const message = error instanceof Error ? error.message : String(error);
    problem = { file: displayPath(url), ...lines.position(offset), severity: 'error', message: `invalid JSON: ${message}`, code: 'parser' };
  }
  return { file: new JsonSourceFile(url, undefined, text, shift), problems: [problem] };
}

class JsonSourceFile implements SourceFile {
  readonly format = 'json' as const;
  private index: JsonIndex | undefined;
  private readonly lines: LineTable;

  constructor(
    readonly url: string,
    readonly value: unknown,
    private readonly text: string,
    private readonly shift: number,
  ) {
    this.lines = new LineTable(text);
  }

  duplicateKeys(): DesignProblem[] {
    return this.built().duplicates.map(({ pointer, offset }) => ({
      file: displayPath(this.url),
      ...this.lines.position(offset + this.shift),
      severity: 'error' as const,
      code: 'duplicate-key',
      pointer,
      message: `duplicate key: ${JSON.stringify(parsePointer(pointer).at(-1))} appears twice in one object`,
    }));
  }

  private built(): JsonIndex {
    if (!this.index) {
      this.index = { offsets: new Map(), duplicates: [] };
      try {
        scanJson(this.shift ? this.text.slice(this.shift) : this.text, this.index);
      } catch {
        // Invalid JSON: whatever was indexed before the fault still answers.
      }
    }
    return this.index;
  }

  locate(pointer: string): { line: number; column: number } {
    const offsets = this.built().offsets;
    let tokens: string[];
    try {
      tokens = parsePointer(pointer);
    } catch {
      tokens = [];
    }
    // Nearest existing ancestor: drop tokens from the end until one is known.
    for (let n = tokens.length; n >= 0; n--) {
      const at = offsets.get(joinPointer(tokens, n));
      if (at !== undefined) return this.lines.position(at + this.shift);
    }
    return { line: 1, column: 1 };
  }
}

function joinPointer(tokens: string[], count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += '/' + (tokens[i] as string).replace(/~/g, '~0').replace(/\//g, '~1');
  return out;
}

function parseYaml(url: string, text: string): ParsedSource {
  const composed = composeYaml(text);
  const { doc } = composed;
  const file = displayPath(url);
  const problems: DesignProblem[] = [
    ...doc.errors.map((error) => yamlProblem(file, error, 'error')),
    ...doc.warnings.map((warning) => yamlProblem(file, warning, 'warning')),
  ];
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const refused = /alias/i.test(message);
    problems.push({
      file,
      line: 1,
      column: 1,
      severity: 'error',
      code: refused ? 'alias-limit' : 'parser',
      message: refused
        ? `YAML refused: aliases expand beyond ${MAX_YAML_ALIASES} nodes (a "billion laughs" document?)`
        : `YAML could not be read: ${message}`,
    });
    value = undefined;
  }
  return { file: new YamlSourceFile(url, value, () => composed), problems };
}

function yamlProblem(file: string, error: YAMLError, severity: DesignProblem['severity']): DesignProblem {
  const at = error.linePos?.[0] ?? { line: 1, col: 1 };
  // prettyErrors appends " at line L, column C:" and a code frame; the position is already in the problem.
  const message = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
  const code = error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'parser';
  return { file, line: at.line, column: at.col, severity, code, message: `${code === 'duplicate-key' ? 'duplicate key: ' : 'invalid YAML: '}${message}` };
}

class YamlSourceFile implements SourceFile {
  readonly format = 'yaml' as const;
  private composed: { doc: Document; lineCounter: LineCounter } | undefined;

  constructor(
    readonly url: string,
    readonly value: unknown,
    private readonly compose: () => { doc: Document; lineCounter: LineCounter },
  ) {}

  locate(pointer: string): { line: number; column: number } {
    const Y = yaml();
    const { doc, lineCounter } = (this.composed ??= this.compose());
    let tokens: string[];
    try {
      tokens = parsePointer(pointer);
    } catch {
      tokens = [];
    }
    let node: unknown = doc.contents;
    let offset = (node as YamlNode | null)?.range?.[0] ?? 0;
    for (const token of tokens) {
      if (Y.isAlias(node)) node = node.resolve(doc);
      if (Y.isMap(node)) {
        const pair = node.items.find((item) => {
          const key: unknown = item.key;
          return (Y.isScalar(key) ? String(key.value) : String(key)) === token;
        });
        if (!pair) break;
        const keyRange = (pair.key as YamlNode | null)?.range;
        if (keyRange) offset = keyRange[0];
        node = pair.value;
      } else if (Y.isSeq(node)) {
        const item: unknown = /^\d+$/.test(token) ? node.items[Number(token)] : undefined;
        if (item === undefined) break;
        const range = (item as YamlNode | null)?.range;
        if (range) offset = range[0];
        node = item;
      } else {
        break;
      }
    }
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  }
}
