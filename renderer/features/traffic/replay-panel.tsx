import { useState } from 'react';
import type { Api, ExchangeDetail, Result } from '../../../gateway/contract';
import { header } from './body';
import { BodyView } from './body-view';
import { formatMs, statusClass } from './format';
import { editableFrom, toReplayRequest, type EditableRequest } from './replay-request';
import { errorText } from './traffic-model';

export interface ReplayOutcome {
  forId: number;
  edited: boolean;
  result?: Result<'traffic.replay'>;
  error?: string;
}

/** Sends a request again: as logged (`replay`) or as edited here. */
export async function replay(api: Api, id: number, request?: ReturnType<typeof toReplayRequest>['request']): Promise<ReplayOutcome> {
  try {
    const result = await api.call('traffic.replay', { id, ...(request ? { request } : {}) });
    return { forId: id, edited: !!request, result };
  } catch (e) {
    return { forId: id, edited: !!request, error: errorText(e) };
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

export function ReplayPanel({ api, detail, outcome, onReplayed }: { api: Api; detail: ExchangeDetail; outcome: ReplayOutcome | null; onReplayed: (o: ReplayOutcome) => void }) {
  const [edit, setEdit] = useState<EditableRequest>(() => editableFrom(detail));
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const set = (patch: Partial<EditableRequest>) => setEdit((e) => ({ ...e, ...patch }));

  const send = async (edited: boolean) => {
    let request;
    if (edited) {
      const built = toReplayRequest(edit);
      if (built.error) return setInvalid(built.error);
      request = built.request;
    }
    setInvalid(null);
    setBusy(true);
    onReplayed(await replay(api, detail.id, request));
    setBusy(false);
  };

  const shown = outcome?.forId === detail.id ? outcome : null;
  return (
    <div className="replay" data-testid="replay-panel">
      <div className="replay-editor">
        <div className="replay-line">
          <select value={edit.method} onChange={(e) => set({ method: e.target.value })} aria-label="Method" data-testid="replay-method">
            {[...new Set([edit.method, ...METHODS])].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <input className="mono" value={edit.url} onChange={(e) => set({ url: e.target.value })} aria-label="URL" spellCheck={false} data-testid="replay-url" />
        </div>
        <label className="field-label" htmlFor="replay-headers">
          Headers <span className="muted">one per line, Name: value</span>
        </label>
        <textarea id="replay-headers" className="mono" rows={Math.min(10, Math.max(3, edit.headers.split('\n').length + 1))} value={edit.headers} onChange={(e) => set({ headers: e.target.value })} spellCheck={false} data-testid="replay-headers" />
        <label className="field-label" htmlFor="replay-body">
          Body {edit.truncated && <span className="truncated">the logged body was truncated</span>}
        </label>
        {edit.body === null ? (
          <div className="muted small">Binary body: sent again as logged.</div>
        ) : (
          <textarea id="replay-body" className="mono" rows={Math.min(14, Math.max(3, edit.body.split('\n').length + 1))} value={edit.body} onChange={(e) => set({ body: e.target.value })} spellCheck={false} data-testid="replay-body" />
        )}
        {invalid && <div className="inline-error">{invalid}</div>}
        <div className="replay-buttons">
          <button className="btn primary" disabled={busy} onClick={() => void send(true)} data-testid="replay-send">
            Send
          </button>
          <button className="btn" disabled={busy} onClick={() => setEdit(editableFrom(detail))}>
            Reset to logged
          </button>
          {busy && <span className="spinner" />}
        </div>
      </div>
      {shown && <ReplayResult outcome={shown} />}
    </div>
  );
}

function ReplayResult({ outcome }: { outcome: ReplayOutcome }) {
  if (outcome.error) return <div className="callout error">Replay failed: {outcome.error}</div>;
  const r = outcome.result!;
  return (
    <div className="replay-result" data-testid="replay-result">
      <h4 className="xsection">
        Response {outcome.edited ? 'to the edited request' : 'to the request as logged'}
        <span className={`status-badge st-${statusClass(r.status)}`} data-testid="replay-status">
          {r.status}
        </span>
        <span className="muted">{formatMs(r.durationMs)}</span>
        <span className="muted small">logged as a new exchange</span>
      </h4>
      <table className="headers">
        <tbody>
          {r.headers.map(([n, v], i) => (
            <tr key={i}>
              <th>{n}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <BodyView body={r.body} contentType={header(r.headers, 'content-type')} label="replay" />
    </div>
  );
}
