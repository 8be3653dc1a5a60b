import { useMemo, useState } from 'react';
import type { Problem } from '../../../gateway/contract';
import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import { SeverityIcon, ChevronIcon } from '../../ui/icons';

const order = { error: 0, warning: 1, info: 2, hint: 3 } as const;
/** Rows drawn at first: a large design has hundreds of findings, and drawing them all blocks typing. */
const FIRST_ROWS = 200;
type Filter = 'all' | 'error' | 'warning' | 'info';

export function ProblemsPanel({ ws }: { ws: Workspace }) {
  const lint = useStore(ws.store, (s) => s.lint);
  const editorProblems = useStore(ws.store, (s) => s.editorProblems);
  const gateway = useStore(ws.store, (s) => s.gateway);
  const [filter, setFilter] = useState<Filter>('all');
  const [open, setOpen] = useState(true);
  const [limit, setLimit] = useState(FIRST_ROWS);
  const problems = useMemo(
    () => [...lint.problems, ...editorProblems].sort((a, b) => order[a.severity] - order[b.severity] || a.file.localeCompare(b.file) || a.line - b.line),
    [lint.problems, editorProblems],
  );
  const counts = { error: 0, warning: 0, info: 0 };
  for (const p of problems) counts[p.severity === 'hint' ? 'info' : p.severity]++;
  const shown = useMemo(() => problems.filter((p) => filter === 'all' || p.severity === filter || (filter === 'info' && p.severity === 'hint')), [problems, filter]);
  const gatewayProblems = gateway?.problems ?? [];
  // The rows only change with the findings: a keystroke (lint state going to running) does not redraw them.
  const rows = useMemo(() => shown.slice(0, limit).map((p, i) => <ProblemRow key={i} p={p} ws={ws} />), [shown, limit, ws]);

  return (
    <section className={`problems${open ? '' : ' collapsed'}`} aria-label="Problems" data-testid="problems">
      <header className="panel-header">
        <button className="panel-title" onClick={() => setOpen(!open)} aria-expanded={open}>
          <ChevronIcon open={open} /> Problems
        </button>
        <div className="segmented" role="radiogroup" aria-label="Filter problems">
          <FilterButton value="all" current={filter} set={setFilter} label={`All ${problems.length}`} />
          <FilterButton value="error" current={filter} set={setFilter} label={`${counts.error}`} icon="error" testid="count-error" />
          <FilterButton value="warning" current={filter} set={setFilter} label={`${counts.warning}`} icon="warning" testid="count-warning" />
          <FilterButton value="info" current={filter} set={setFilter} label={`${counts.info}`} icon="info" testid="count-info" />
        </div>
        <span className="panel-meta">
          {lint.running ? (
            <span className="spinner" aria-label="Linting" />
          ) : lint.failed ? (
            <span className="text-error">Lint failed: {lint.failed}</span>
          ) : lint.durationMs != null ? (
            <span data-lint={lint.partial ? 'partial' : 'full'} title={lint.partial ? 'What the edit touched was linted again; the full lint of the design runs in the background' : undefined}>
              {`Spectral · ${Math.round(lint.durationMs)} ms${lint.partial ? ' · edited parts, full lint running' : ''}`}
            </span>
          ) : (
            ''
          )}
        </span>
      </header>
      {open && (
        <div className="problems-list" role="list">
          {gatewayProblems.length > 0 && (
            <div className="gateway-failure" role="alert" data-testid="gateway-failure">
              <strong>The gateway could not load the saved design</strong>
              <span> — it keeps serving the last good version{gateway?.loadedAt ? ` (loaded ${new Date(gateway.loadedAt).toLocaleTimeString()})` : ''}.</span>
              {gatewayProblems.map((p, i) => (
                <ProblemRow key={`g${i}`} p={p} ws={ws} source="gateway" />
              ))}
            </div>
          )}
          {rows}
          {shown.length > limit && (
            <button className="btn problems-more" onClick={() => setLimit(shown.length)} data-testid="problems-more">
              Show {shown.length - limit} more
            </button>
          )}
          {problems.length === 0 && gatewayProblems.length === 0 && <div className="muted pad">{lint.durationMs == null ? 'Linting…' : 'No problems in the design.'}</div>}
        </div>
      )}
    </section>
  );
}

function FilterButton({ value, current, set, label, icon, testid }: { value: Filter; current: Filter; set: (f: Filter) => void; label: string; icon?: string; testid?: string }) {
  return (
    <button role="radio" aria-checked={current === value} className={current === value ? 'on' : ''} onClick={() => set(current === value ? 'all' : value)} data-testid={testid}>
      {icon && <SeverityIcon severity={icon} />}
      {label}
    </button>
  );
}

function ProblemRow({ p, ws, source }: { p: Problem; ws: Workspace; source?: string }) {
  const file = ws.fileOf(p);
  return (
    <button role="listitem" className={`problem sev-row-${p.severity}`} onClick={() => void ws.open(file, { line: p.line, column: p.column })} data-file={file} data-line={p.line}>
      <SeverityIcon severity={p.severity} />
      <span className="problem-message">{p.message}</span>
      {p.code && <span className="problem-code">{p.code}</span>}
      {source && <span className="problem-code">{source}</span>}
      <span className="problem-where">
        {file}:{p.line}:{p.column}
      </span>
    </button>
  );
}
