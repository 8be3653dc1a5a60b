// The top-level views besides Design: the traffic inspector and the dashboard. Each mounts on first visit and then
// stays mounted (hidden), so a filter, a selection or a scroll position survives switching, like the editor does.
import { useEffect, useState } from 'react';
import type { Api } from '../../../gateway/contract';
import type { Workspace } from '../workspace/workspace';
import { TrafficView } from './traffic-view';
import { Dashboard } from '../analytics/dashboard';
import './traffic.css';
import '../analytics/dashboard.css';

export type View = 'design' | 'traffic' | 'dashboard';

const LABELS: Array<[View, string, string]> = [
  ['design', 'Design', 'Alt+1'],
  ['traffic', 'Traffic', 'Alt+2'],
  ['dashboard', 'Dashboard', 'Alt+3'],
];

export function ViewSwitch({ view, onChange }: { view: View; onChange: (view: View) => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const index = ['Digit1', 'Digit2', 'Digit3'].indexOf(e.code);
      if (index >= 0) {
        e.preventDefault();
        onChange(LABELS[index]![0]);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onChange]);
  return (
    <nav className="view-switch" role="tablist" aria-label="View">
      {LABELS.map(([id, label, key]) => (
        <button key={id} role="tab" aria-selected={view === id} className={view === id ? 'on' : ''} onClick={() => onChange(id)} title={`${label} (${key})`} data-testid={`view-${id}`}>
          {label}
        </button>
      ))}
    </nav>
  );
}

export function InspectorViews({ view, api, ws, onShowDesign }: { view: View; api: Api; ws: Workspace; onShowDesign: () => void }) {
  const [visited, setVisited] = useState<Record<View, boolean>>({ design: true, traffic: false, dashboard: false });
  useEffect(() => setVisited((v) => (v[view] ? v : { ...v, [view]: true })), [view]);
  return (
    <>
      {(visited.traffic || view === 'traffic') && (
        <div className="view-pane" hidden={view !== 'traffic'}>
          <TrafficView api={api} ws={ws} onShowDesign={onShowDesign} />
        </div>
      )}
      {(visited.dashboard || view === 'dashboard') && (
        <div className="view-pane" hidden={view !== 'dashboard'}>
          <Dashboard api={api} active={view === 'dashboard'} />
        </div>
      )}
    </>
  );
}
