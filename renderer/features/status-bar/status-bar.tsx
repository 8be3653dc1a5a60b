import { useEffect } from 'react';
import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import { languageFor } from '../editor/model-language';
import { isTooLargeToHighlight } from '../editor/large-model';
import { SeverityIcon } from '../../ui/icons';

export function StatusBar({ ws }: { ws: Workspace }) {
  const s = useStore(ws.store, (st) => st);
  const errors = s.lint.problems.filter((p) => p.severity === 'error').length;
  const warnings = s.lint.problems.filter((p) => p.severity === 'warning').length;
  const dirtyCount = Object.values(s.dirty).filter(Boolean).length;
  // Monaco does not tokenize a model of more than 300,000 lines or 20 MB (VS Code says so in a notice): say why the
  // file shows no colours. Read on each render; the status bar renders with every cursor move.
  const model = s.active ? ws.model(s.active) : null;
  const untokenized = model != null && isTooLargeToHighlight(model);

  useEffect(() => {
    if (!s.notice || s.notice.kind === 'error') return;
    const t = setTimeout(() => ws.store.set({ notice: null }), 3000);
    return () => clearTimeout(t);
  }, [s.notice, ws]);

  return (
    <footer className="status-bar">
      <span className="status-item" title={s.info?.root}>
        {s.info ? `${s.info.files.length} file${s.info.files.length === 1 ? '' : 's'}` : 'No workspace'}
      </span>
      <span className="status-item">
        <SeverityIcon severity="error" /> {errors} <SeverityIcon severity="warning" /> {warnings}
      </span>
      {dirtyCount > 0 && <span className="status-item">{dirtyCount} unsaved</span>}
      {s.notice && (
        <span className={`status-item notice ${s.notice.kind}`} role="status" onClick={() => ws.store.set({ notice: null })}>
          {s.notice.text}
        </span>
      )}
      <span className="spacer" />
      {s.active && s.cursor && <span className="status-item">Ln {s.cursor.line}, Col {s.cursor.column}</span>}
      {untokenized && (
        <span className="status-item" data-testid="no-highlighting" title="Files of more than 300,000 lines or 20 MB are shown without syntax highlighting (the editor's large-file limit).">
          Large file: no highlighting
        </span>
      )}
      {s.active && <span className="status-item">{languageFor(s.active).toUpperCase()}</span>}
      <span className="status-item">{s.gateway?.state === 'running' ? `Gateway ${s.gateway.url ?? ''}` : 'Gateway off'}</span>
    </footer>
  );
}
