// Lint problems as Monaco markers on every open model.
import type { Problem } from '../../../gateway/contract';
import type { Workspace } from '../workspace/workspace';
import { m } from './monaco';

const OWNER = 'portico-lint';

function severity(p: Problem) {
  const S = m.MarkerSeverity;
  return p.severity === 'error' ? S.Error : p.severity === 'warning' ? S.Warning : p.severity === 'info' ? S.Info : S.Hint;
}

export function syncMarkers(ws: Workspace) {
  let problems: Problem[] | null = null;
  let tabs: string[] | null = null;
  const apply = () => {
    const s = ws.store.get();
    if (s.lint.problems === problems && s.tabs === tabs) return;
    problems = s.lint.problems;
    tabs = s.tabs;
    const byFile = new Map<string, Problem[]>();
    for (const p of problems) {
      const file = ws.fileOf(p);
      const list = byFile.get(file);
      if (list) list.push(p);
      else byFile.set(file, [p]);
    }
    for (const path of new Set([...tabs, ws.spec])) {
      const model = ws.model(path);
      if (!model) continue;
      const lines = model.getLineCount();
      m.editor.setModelMarkers(
        model,
        OWNER,
        (byFile.get(path) ?? []).map((p) => {
          const line = Math.min(Math.max(p.line, 1), lines);
          const start = Math.max(p.column, 1);
          const end = Math.max(model.getLineMaxColumn(line), start + 1);
          return { severity: severity(p), message: p.message, ...(p.code ? { code: p.code } : {}), source: 'Spectral', startLineNumber: line, startColumn: start, endLineNumber: line, endColumn: end };
        }),
      );
    }
  };
  apply();
  return ws.store.subscribe(apply);
}
