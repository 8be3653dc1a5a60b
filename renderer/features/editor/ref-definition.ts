// Go to definition on `$ref`, within a file and across files: resolves the ref to file + line and opens it in a tab.
import type { IDisposable, editor, languages, Position } from 'monaco-editor';
import { locatePointer } from '../outline/outline-client';
import { dirname, joinPath } from '../workspace/paths';
import type { Workspace } from '../workspace/workspace';
import { textOf } from './large-model';
import { m, pathFor, uriFor } from './monaco';
import { LARGE_LANGUAGES } from './model-language';

const REF = /(["']?)\$ref\1\s*:\s*(["']?)([^"'\s,}]+)\2/g;

/** The `$ref` value under the cursor, if any, with its column range (1-based, end exclusive). */
export function refAt(line: string, column: number): { ref: string; start: number; end: number } | null {
  for (const match of line.matchAll(REF)) {
    const value = match[3]!;
    const start = (match.index ?? 0) + match[0].lastIndexOf(value) + 1;
    const end = start + value.length;
    if (column >= (match.index ?? 0) + 1 && column <= end) return { ref: value, start, end };
  }
  return null;
}

/** Splits a ref into the workspace file it points into and the JSON pointer inside it. */
export function resolveRef(fromPath: string, ref: string): { path: string; pointer: string } | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return null; // remote refs are not followed
  const hash = ref.indexOf('#');
  const file = hash < 0 ? ref : ref.slice(0, hash);
  const pointer = hash < 0 ? '' : ref.slice(hash + 1);
  return { path: file ? joinPath(dirname(fromPath), decodeURI(file)) : fromPath, pointer };
}

export function registerRefNavigation(ws: Workspace): IDisposable[] {
  const provider: languages.DefinitionProvider = {
    async provideDefinition(model: editor.ITextModel, position: Position) {
      const from = pathFor(model.uri);
      const hit = from && refAt(model.getLineContent(position.lineNumber), position.column);
      const target = hit && resolveRef(from, hit.ref);
      if (!hit || !target) return null;
      const doc = await ws.ensure(target.path).catch(() => null);
      if (!doc) return null;
      const at = (await locatePointer(target.path, textOf(doc.model), target.pointer)) ?? { line: 1, column: 1 };
      return {
        uri: uriFor(target.path),
        range: new m.Range(at.line, at.column, at.line, at.column),
        originSelectionRange: new m.Range(position.lineNumber, hit.start, position.lineNumber, hit.end),
      } as languages.LocationLink;
    },
  };
  return [
    m.languages.registerDefinitionProvider('yaml', provider),
    m.languages.registerDefinitionProvider('json', provider),
    m.languages.registerDefinitionProvider(LARGE_LANGUAGES.yaml, provider),
    m.languages.registerDefinitionProvider(LARGE_LANGUAGES.json, provider),
    // Monaco's standalone editor cannot open another model by itself: open it as a tab here.
    m.editor.registerEditorOpener({
      openCodeEditor(_source, resource, selection) {
        const path = pathFor(resource);
        if (!path) return false;
        const line = selection && 'startLineNumber' in selection ? selection.startLineNumber : (selection?.lineNumber ?? 1);
        const column = selection && 'startColumn' in selection ? selection.startColumn : (selection?.column ?? 1);
        void ws.open(path, { line, column });
        return true;
      },
    }),
  ];
}
