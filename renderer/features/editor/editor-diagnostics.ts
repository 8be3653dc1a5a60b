// The editor's own diagnostics (YAML syntax, OpenAPI and x-portico schema checks from monaco-yaml / JSON) as
// problems, so the Problems panel lists them beside Spectral's.
import type { Problem } from '../../../gateway/contract';
import { m, pathFor } from './monaco';
import type { Workspace } from '../workspace/workspace';

const LINT_OWNER = 'portico-lint';

export function syncEditorDiagnostics(ws: Workspace) {
  const severity = (s: number): Problem['severity'] => (s >= 8 ? 'error' : s >= 4 ? 'warning' : s >= 2 ? 'info' : 'hint');
  let last = '';
  const collect = () => {
    const problems: Problem[] = [];
    for (const marker of m.editor.getModelMarkers({})) {
      if (marker.owner === LINT_OWNER) continue;
      const file = pathFor(marker.resource);
      if (!file) continue;
      problems.push({ file, line: marker.startLineNumber, column: marker.startColumn, message: marker.message, severity: severity(marker.severity), code: marker.owner === 'yaml' || marker.owner === 'json' ? 'schema' : marker.owner });
    }
    // Lint's own markers change with every lint answer; the editor's rarely: redraw the Problems panel only when they did.
    const key = JSON.stringify(problems);
    if (key === last) return;
    last = key;
    ws.store.set({ editorProblems: problems });
  };
  const sub = m.editor.onDidChangeMarkers(collect);
  return () => sub.dispose();
}
