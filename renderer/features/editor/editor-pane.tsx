import { useEffect, useRef } from 'react';
import type { editor } from 'monaco-editor';
import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import { useColorScheme } from '../../ui/use-color-scheme';
import { m } from './monaco';
import { Tabs } from './tabs';
import { ConflictBar } from './conflict-bar';

/** One Monaco editor; tabs switch its model (keeping each file's cursor, scroll and undo history). */
export function EditorPane({ ws }: { ws: Workspace }) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const viewStates = useRef(new Map<string, editor.ICodeEditorViewState | null>());
  const shown = useRef<string | null>(null);
  const active = useStore(ws.store, (s) => s.active);
  const reveal = useStore(ws.store, (s) => s.reveal);
  const scheme = useColorScheme();

  useEffect(() => {
    const ed = m.editor.create(host.current!, {
      model: null,
      automaticLayout: true,
      fontFamily: "'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace",
      fontSize: 13,
      lineHeight: 20,
      minimap: { enabled: true, renderCharacters: false, scale: 1 },
      scrollBeyondLastLine: false,
      renderWhitespace: 'boundary',
      tabSize: 2,
      insertSpaces: true,
      smoothScrolling: true,
      padding: { top: 8 },
      fixedOverflowWidgets: true,
      quickSuggestions: { other: true, strings: true, comments: false },
      stickyScroll: { enabled: true },
    });
    editorRef.current = ed;
    ed.addCommand(m.KeyMod.CtrlCmd | m.KeyCode.KeyS, () => void ws.save());
    const cursor = ed.onDidChangeCursorPosition((e) => ws.store.set({ cursor: { line: e.position.lineNumber, column: e.position.column } }));
    return () => {
      cursor.dispose();
      ed.dispose();
    };
  }, [ws]);

  useEffect(() => {
    m.editor.setTheme(scheme === 'dark' ? 'portico-dark' : 'portico-light');
  }, [scheme]);

  useEffect(() => {
    const ed = editorRef.current;
    if (!ed) return;
    if (shown.current) viewStates.current.set(shown.current, ed.saveViewState());
    const model = active ? ws.model(active) : null;
    ed.setModel(model);
    shown.current = active;
    if (active && model) {
      const state = viewStates.current.get(active);
      if (state) ed.restoreViewState(state);
      ed.focus();
    }
  }, [active, ws]);

  useEffect(() => {
    const ed = editorRef.current;
    if (!ed || !reveal || reveal.path !== active) return;
    const position = { lineNumber: reveal.line, column: reveal.column };
    ed.setPosition(position);
    ed.revealPositionInCenter(position);
    ed.focus();
  }, [reveal, active]);

  return (
    <section className="editor-pane" aria-label="Editor">
      <Tabs ws={ws} />
      {active && <ConflictBar ws={ws} path={active} />}
      <div className="editor-host" ref={host} data-testid="editor" />
      {!active && <div className="editor-empty">Open a file from the sidebar.</div>}
    </section>
  );
}
