import { useEffect, useRef, useState } from 'react';
import type { editor } from 'monaco-editor';
import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import { useColorScheme } from '../../ui/use-color-scheme';
import { m } from './monaco';
import { Tabs } from './tabs';
import { ConflictBar } from './conflict-bar';

/**
 * A model this large gets the editor's cheap settings, as VS Code does for large files: every feature below scans or
 * re-requests the whole model (from the UI thread, or from a language worker whose answer the UI thread then walks)
 * on each edit or cursor move. On GitHub's description (13 MB, 347k lines) they made each keystroke cost hundreds
 * of milliseconds. Validation still runs, in its worker.
 */
export const LARGE_MODEL_CHARS = 2_000_000;
export const LARGE_MODEL_LINES = 50_000;
const LARGE_MODEL_OPTIONS: editor.IEditorOptions & editor.IGlobalEditorOptions = {
  // Section headers are looked for in the editor worker whether the minimap shows or not: that posted the whole model
  // to it (GitHub's description: 14 MB of lines, a 150–185 ms task on this thread).
  minimap: { enabled: false, showRegionSectionHeaders: false, showMarkSectionHeaders: false },
  folding: false,
  stickyScroll: { enabled: false },
  occurrencesHighlight: 'off',
  selectionHighlight: false,
  matchBrackets: 'never',
  colorDecorators: false,
  links: false,
  renderWhitespace: 'none',
  quickSuggestions: false,
  wordBasedSuggestions: 'off',
  codeLens: false,
  guides: { indentation: false, bracketPairs: false, highlightActiveIndentation: false },
  bracketPairColorization: { enabled: false },
  smoothScrolling: false,
  // Computed in the editor worker over the whole model: it posted GitHub's 347k lines to it (~150 ms on the UI thread).
  unicodeHighlight: { ambiguousCharacters: false, invisibleCharacters: false, nonBasicASCII: false },
};
const MODEL_OPTIONS: editor.IEditorOptions & editor.IGlobalEditorOptions = {
  minimap: { enabled: true, renderCharacters: false, scale: 1, showRegionSectionHeaders: true, showMarkSectionHeaders: true },
  folding: true,
  stickyScroll: { enabled: true },
  occurrencesHighlight: 'singleFile',
  selectionHighlight: true,
  matchBrackets: 'always',
  colorDecorators: true,
  links: true,
  renderWhitespace: 'boundary',
  quickSuggestions: { other: true, strings: true, comments: false },
  wordBasedSuggestions: 'currentDocument',
  codeLens: true,
  guides: { indentation: true, bracketPairs: false, highlightActiveIndentation: true },
  bracketPairColorization: { enabled: true },
  smoothScrolling: true,
  unicodeHighlight: { ambiguousCharacters: true, invisibleCharacters: true, nonBasicASCII: 'inUntrustedWorkspace' },
};

export const isLargeModel = (model: Pick<editor.ITextModel, 'getValueLength' | 'getLineCount'>) => model.getValueLength() > LARGE_MODEL_CHARS || model.getLineCount() > LARGE_MODEL_LINES;

/** One Monaco editor; tabs switch its model (keeping each file's cursor, scroll and undo history). */
export function EditorPane({ ws }: { ws: Workspace }) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const viewStates = useRef(new Map<string, editor.ICodeEditorViewState | null>());
  const shown = useRef<string | null>(null);
  const active = useStore(ws.store, (s) => s.active);
  const reveal = useStore(ws.store, (s) => s.reveal);
  const scheme = useColorScheme();

  // Created in a task of its own, after the window's first render: the two together held the UI thread > 200 ms.
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setReady(true), 0);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    if (!ready) return;
    const ed = m.editor.create(host.current!, {
      model: null,
      automaticLayout: true,
      fontFamily: "'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace",
      fontSize: 13,
      lineHeight: 20,
      scrollBeyondLastLine: false,
      tabSize: 2,
      insertSpaces: true,
      padding: { top: 8 },
      fixedOverflowWidgets: true,
      ...MODEL_OPTIONS,
    });
    editorRef.current = ed;
    ed.addCommand(m.KeyMod.CtrlCmd | m.KeyCode.KeyS, () => void ws.save());
    const cursor = ed.onDidChangeCursorPosition((e) => ws.store.set({ cursor: { line: e.position.lineNumber, column: e.position.column } }));
    return () => {
      cursor.dispose();
      ed.dispose();
      editorRef.current = null;
    };
  }, [ws, ready]);

  useEffect(() => {
    m.editor.setTheme(scheme === 'dark' ? 'portico-dark' : 'portico-light');
  }, [scheme]);

  useEffect(() => {
    const ed = editorRef.current;
    if (!ed) return;
    if (shown.current) viewStates.current.set(shown.current, ed.saveViewState());
    const model = active ? ws.model(active) : null;
    // Before the model is shown: a large one must not start the features it cannot afford.
    ed.updateOptions(model && isLargeModel(model) ? LARGE_MODEL_OPTIONS : MODEL_OPTIONS);
    ed.setModel(model);
    shown.current = active;
    if (active && model) {
      const state = viewStates.current.get(active);
      if (state) ed.restoreViewState(state);
      ed.focus();
    }
  }, [active, ws, ready]);

  useEffect(() => {
    const ed = editorRef.current;
    if (!ed || !reveal || reveal.path !== active) return;
    const position = { lineNumber: reveal.line, column: reveal.column };
    ed.setPosition(position);
    ed.revealPositionInCenter(position);
    ed.focus();
  }, [reveal, active, ready]);

  return (
    <section className="editor-pane" aria-label="Editor">
      <Tabs ws={ws} />
      {active && <ConflictBar ws={ws} path={active} />}
      <div className="editor-host" ref={host} data-testid="editor" />
      {!active && <div className="editor-empty">Open a file from the sidebar.</div>}
    </section>
  );
}
