// Parses documents with positions off the UI thread: the outline (paths, operations, schemas) and JSON pointer → line.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { OutlineItem, OutlineRequest, OutlineResponse } from './outline-protocol';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const cache = new Map<string, { text: string; doc: Document; lines: LineCounter }>();

function parsed(path: string, text: string) {
  const hit = cache.get(path);
  if (hit && hit.text === text) return hit;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false, uniqueKeys: false, prettyErrors: false });
  const entry = { text, doc, lines };
  cache.set(path, entry);
  return entry;
}

type Pos = { line: number; column: number };
const posOf = (lines: LineCounter, node: { range?: [number, number, number] | null } | null | undefined): Pos => {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
};

function pairs(node: unknown) {
  return isMap(node) ? node.items.filter(isPair) : [];
}
const keyOf = (pair: { key: unknown }) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));

function outline(path: string, text: string): OutlineItem[] {
  const { doc, lines } = parsed(path, text);
  const root = doc.contents;
  const items: OutlineItem[] = [];
  const at = (n: unknown) => posOf(lines, n as YamlNode);
  const operations = (value: unknown): OutlineItem[] =>
    pairs(value)
      .filter((p) => METHODS.has(keyOf(p)))
      .map((p) => {
        const summary = pairs(p.value).find((q) => keyOf(q) === 'operationId' || keyOf(q) === 'summary');
        const detail = summary && isScalar(summary.value) ? String(summary.value.value) : undefined;
        return { label: keyOf(p).toUpperCase(), kind: 'operation' as const, ...(detail ? { detail } : {}), ...at(p.key) };
      });
  const refOf = (value: unknown) => {
    const ref = pairs(value).find((q) => keyOf(q) === '$ref');
    return ref && isScalar(ref.value) ? String(ref.value.value) : undefined;
  };
  for (const top of pairs(root)) {
    const key = keyOf(top);
    if (key === 'paths') {
      items.push({
        label: 'Paths',
        kind: 'section',
        ...at(top.key),
        children: pairs(top.value).map((p) => {
          const ref = refOf(p.value);
          return { label: keyOf(p), kind: 'path' as const, ...(ref ? { detail: ref } : {}), ...at(p.key), children: operations(p.value) };
        }),
      });
    } else if (key === 'components') {
      for (const section of pairs(top.value)) {
        items.push({
          label: sectionTitle(keyOf(section)),
          kind: 'section',
          ...at(section.key),
          children: pairs(section.value).map((s) => ({ label: keyOf(s), kind: 'schema' as const, ...at(s.key) })),
        });
      }
    } else if (root && isMap(root) && pairs(top.value).some((p) => METHODS.has(keyOf(p)))) {
      // A fragment file holding path items (e.g. paths/pets.yaml#/collection).
      items.push({ label: key, kind: 'path', ...at(top.key), children: operations(top.value) });
    } else if (path !== '' && !['openapi', 'info', 'servers', 'tags', 'x-portico', 'security', 'webhooks', 'jsonSchemaDialect', 'externalDocs'].includes(key)) {
      items.push({ label: key, kind: 'schema', ...at(top.key) });
    } else {
      items.push({ label: key, kind: 'key', ...at(top.key) });
    }
  }
  return items;
}

const sectionTitle = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replace(/([A-Z])/g, ' $1');

function locate(path: string, text: string, pointer: string): Pos | null {
  const { doc, lines } = parsed(path, text);
  const segments = pointer
    .replace(/^#?\/?/, '')
    .split('/')
    .filter((s, i, all) => !(s === '' && all.length === 1))
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc.contents;
  let position: Pos = { line: 1, column: 1 };
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p) === segment);
      if (!pair) return null;
      position = posOf(lines, pair.key as YamlNode);
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) return null;
      position = posOf(lines, item as YamlNode);
      node = item;
    } else return null;
  }
  return position;
}

/** The last text outlined per path, which changes apply to. */
const texts = new Map<string, string>();

function textOf(request: Extract<OutlineRequest, { type: 'outline' }>): string | undefined {
  if (request.text !== undefined) {
    texts.set(request.path, request.text);
    return request.text;
  }
  let text = texts.get(request.path);
  if (text === undefined) return undefined;
  for (const change of request.changes ?? []) {
    if (change.at + change.remove > text.length) return undefined;
    text = text.slice(0, change.at) + change.text + text.slice(change.at + change.remove);
  }
  texts.set(request.path, text);
  return text;
}

self.onmessage = (event: MessageEvent<OutlineRequest>) => {
  const request = event.data;
  let response: OutlineResponse;
  try {
    if (request.type === 'outline') {
      const text = textOf(request);
      response = text === undefined ? { id: request.id, type: 'outline', items: [], resend: true } : { id: request.id, type: 'outline', items: outline(request.path, text) };
    } else response = { id: request.id, type: 'locate', position: locate(request.path, request.text, request.pointer) };
  } catch {
    response = request.type === 'outline' ? { id: request.id, type: 'outline', items: [] } : { id: request.id, type: 'locate', position: null };
  }
  self.postMessage(response);
};
