// Read-only Monaco views for bodies (folding, search, highlighting) and the side-by-side diff of two exchanges.
import { useEffect, useRef } from 'react';
import type { editor } from 'monaco-editor';
import 'monaco-editor/esm/vs/basic-languages/xml/xml.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/html/html.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/shell/shell.contribution.js';
import { m } from '../editor/monaco';
import { useColorScheme } from '../../ui/use-color-scheme';

const common: editor.IEditorOptions = {
  readOnly: true,
  domReadOnly: true,
  automaticLayout: true,
  fontFamily: "'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace",
  fontSize: 12,
  lineHeight: 18,
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  folding: true,
  showFoldingControls: 'always',
  renderLineHighlight: 'none',
  wordWrap: 'on',
  padding: { top: 6, bottom: 6 },
  stickyScroll: { enabled: false },
  overviewRulerLanes: 0,
  lineNumbersMinChars: 3,
  scrollbar: { alwaysConsumeMouseWheel: false, verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
  unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: false },
};

function useTheme() {
  const scheme = useColorScheme();
  useEffect(() => m.editor.setTheme(scheme === 'dark' ? 'portico-dark' : 'portico-light'), [scheme]);
}

/** A read-only editor of `text`; `fit` grows it with its content up to `maxHeight` (for bodies inside a scrolling pane). */
export function CodeView({ text, language, maxHeight, testId }: { text: string; language: string; maxHeight?: number; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  useTheme();
  useEffect(() => {
    const el = host.current!;
    const model = m.editor.createModel(text, language);
    const ed = m.editor.create(el, { ...common, model, lineNumbers: language === 'plaintext' ? 'off' : 'on' });
    let sizer: { dispose(): void } | undefined;
    if (maxHeight) {
      const fit = () => {
        const height = Math.min(maxHeight, Math.max(40, ed.getContentHeight()));
        el.style.height = `${height}px`;
        ed.layout();
      };
      sizer = ed.onDidContentSizeChange(fit);
      fit();
    }
    return () => {
      sizer?.dispose();
      ed.dispose();
      model.dispose();
    };
  }, [text, language, maxHeight]);
  return <div className="code-view" ref={host} data-testid={testId} />;
}

/** Two texts side by side with their differences marked. */
export function DiffView({ left, right, language = 'plaintext' }: { left: string; right: string; language?: string }) {
  const host = useRef<HTMLDivElement>(null);
  useTheme();
  useEffect(() => {
    const original = m.editor.createModel(left, language);
    const modified = m.editor.createModel(right, language);
    const diff = m.editor.createDiffEditor(host.current!, {
      ...common,
      wordWrap: 'off',
      originalEditable: false,
      renderSideBySide: true,
      useInlineViewWhenSpaceIsLimited: false,
      renderOverviewRuler: true,
      ignoreTrimWhitespace: false,
      hideUnchangedRegions: { enabled: false },
    });
    diff.setModel({ original, modified });
    return () => {
      diff.dispose();
      original.dispose();
      modified.dispose();
    };
  }, [left, right, language]);
  return <div className="diff-view" ref={host} data-testid="diff-view" />;
}
