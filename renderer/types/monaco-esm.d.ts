// Monaco's ESM entry points we import piecemeal (to bundle only YAML and JSON) ship without their own typings.
declare module 'monaco-editor/esm/vs/editor/edcore.main.js' {
  export * from 'monaco-editor';
}
declare module 'monaco-editor/esm/vs/editor/editor.api.js' {
  export * from 'monaco-editor';
}
declare module 'monaco-editor/esm/vs/basic-languages/yaml/yaml.contribution.js';
declare module 'monaco-editor/esm/vs/language/json/monaco.contribution.js';
declare module 'monaco-yaml/yaml.worker.js';
/** Monaco's own text-buffer builder (internal, pinned with monaco-editor 0.52.2): see features/editor/large-model.ts. */
declare module 'monaco-editor/esm/vs/editor/common/model/pieceTreeTextBuffer/pieceTreeTextBufferBuilder.js' {
  export interface TextBufferFactory {
    readonly __textBufferFactory: unique symbol;
  }
  export class PieceTreeTextBufferBuilder {
    acceptChunk(chunk: string): void;
    finish(normalizeEOL?: boolean): TextBufferFactory;
  }
}
/** The YAML grammar and editing rules, reused for models too large for the YAML worker (features/editor/large-model.ts). */
declare module 'monaco-editor/esm/vs/basic-languages/yaml/yaml.js' {
  import type { languages } from 'monaco-editor';
  export const conf: languages.LanguageConfiguration;
  export const language: languages.IMonarchLanguage;
}
/** Layers of Monaco's API, evaluated one task each before the API itself (renderer/main.tsx). */
declare module 'monaco-editor/esm/vs/editor/common/services/editorBaseApi.js';
declare module 'monaco-editor/esm/vs/editor/common/model/textModel.js';
declare module 'monaco-editor/esm/vs/editor/browser/widget/codeEditor/codeEditorWidget.js';
declare module 'monaco-editor/esm/vs/editor/standalone/browser/standaloneServices.js';
