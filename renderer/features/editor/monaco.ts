// Monaco, bundled with its workers (no CDN): the editor core, YAML and JSON only.
import * as monaco from 'monaco-editor/esm/vs/editor/edcore.main.js';
import 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
import 'monaco-editor/esm/vs/language/json/monaco.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import JsonWorker from 'monaco-editor/esm/vs/language/json/json.worker.js?worker';
import YamlWorker from './yaml.worker.ts?worker';
import type * as MonacoApi from 'monaco-editor';

export type Monaco = typeof MonacoApi;
export const m = monaco as unknown as Monaco;

self.MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    if (label === 'yaml') return new YamlWorker();
    if (label === 'json') return new JsonWorker();
    return new EditorWorker();
  },
};

m.editor.defineTheme('portico-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [
    { token: 'type', foreground: '7dcfff' },
    { token: 'string', foreground: 'a5d6a7' },
  ],
  colors: {
    'editor.background': '#16181d',
    'editor.lineHighlightBackground': '#1f232b',
    'editorLineNumber.foreground': '#4b5263',
    'editorLineNumber.activeForeground': '#aab2c0',
    'editorGutter.background': '#16181d',
    'editorWidget.background': '#1c1f26',
    'editorIndentGuide.background1': '#262a33',
  },
});
m.editor.defineTheme('portico-light', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: {
    'editor.background': '#ffffff',
    'editor.lineHighlightBackground': '#f4f6f9',
    'editorLineNumber.foreground': '#a0a7b4',
    'editorIndentGuide.background1': '#eceff3',
  },
});

/** Models are named by their workspace-relative path under one fixed root, so relative `$ref`s resolve as paths. */
const ROOT = 'file:///workspace/';
export const uriFor = (path: string) => m.Uri.parse(ROOT + path.split('/').map(encodeURIComponent).join('/'));
export const pathFor = (uri: { toString(): string }): string | null => {
  const s = uri.toString();
  return s.startsWith(ROOT) ? s.slice(ROOT.length).split('/').map(decodeURIComponent).join('/') : null;
};
