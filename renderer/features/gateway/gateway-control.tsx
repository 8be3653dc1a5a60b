import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import { PlayIcon, StopIcon } from '../../ui/icons';

/** The gateway's state (running/stopped/failed), address, mode and a start/stop button. */
export function GatewayControl({ ws }: { ws: Workspace }) {
  const g = useStore(ws.store, (s) => s.gateway);
  const busy = useStore(ws.store, (s) => s.gatewayBusy);
  const state = g?.state ?? 'stopped';
  const reloadFailed = state === 'running' && (g?.problems.length ?? 0) > 0;
  const label = reloadFailed ? 'running · reload failed' : state;
  const running = state === 'running' || state === 'starting';
  return (
    <div className="gateway" data-testid="gateway" data-state={state}>
      <span className={`pill pill-${reloadFailed ? 'degraded' : state}`} title={g?.problems[0]?.message ?? ''}>
        <span className="pill-dot" />
        Gateway {label}
      </span>
      {g?.url && running && (
        <a className="gateway-url" href={g.url} target="_blank" rel="noreferrer" title="The gateway's address">
          {g.url.replace(/^https?:\/\//, '')}
        </a>
      )}
      {g?.mode && running && <span className="muted">{g.mode}</span>}
      {g?.routes != null && running && <span className="muted">{g.routes} routes</span>}
      <button className="btn" disabled={busy || state === 'starting'} onClick={() => void ws.gatewayToggle()} aria-label={running ? 'Stop gateway' : 'Start gateway'}>
        {running ? <StopIcon /> : <PlayIcon />}
        {running ? 'Stop' : 'Start'}
      </button>
    </div>
  );
}
