import { useEffect, useMemo, useRef, useState } from 'react';
import type { Api } from '../../../gateway/contract';
import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import { TrafficModel, errorText } from './traffic-model';
import { FilterBar } from './filter-bar';
import { ExchangeList } from './exchange-list';
import { ExchangeDetailPane, useExchange, type DetailTab } from './exchange-detail';
import { replay, type ReplayOutcome } from './replay-panel';
import { CompareView } from './compare-view';
import { toCurl } from './curl';
import { editableFrom } from './replay-request';
import { copyText, downloadHar, readHarFile } from './har-file';
import { revealOperation } from './reveal-operation';
import { formatCount, formatMs } from './format';
import { withTerm } from './query';
import { RetentionButton } from './retention';

interface Toast {
  text: string;
  kind: 'info' | 'error';
  nonce: number;
}

/** The traffic inspector: filter bar, live list, detail (or the comparison of two), and the actions on them. */
export function TrafficView({ api, ws, onShowDesign }: { api: Api; ws: Workspace; onShowDesign: () => void }) {
  const model = useMemo(() => new TrafficModel(api), [api]);
  useEffect(() => model.start(), [model]);

  const selected = useStore(model.store, (s) => s.selected);
  const paused = useStore(model.store, (s) => s.paused);
  const pending = useStore(model.store, (s) => s.pending);
  const count = useStore(model.store, (s) => s.count);
  const info = useStore(model.store, (s) => s.info);
  const loaded = useStore(model.store, (s) => s.rows.length);
  const queryMs = useStore(model.store, (s) => s.queryMs);
  const error = useStore(model.store, (s) => s.error);
  const filter = useStore(model.store, (s) => s.filter);
  const gatewayUrl = useStore(ws.store, (s) => s.gateway?.url);

  const current = selected.length ? selected[selected.length - 1]! : null;
  const exchange = useExchange(api, current);
  const [tab, setTab] = useState<DetailTab>('overview');
  const [outcome, setOutcome] = useState<ReplayOutcome | null>(null);
  const [comparing, setComparing] = useState(false);
  const [toast, setToast] = useState<Toast | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const split = useRef<HTMLDivElement>(null);

  const say = (text: string, kind: Toast['kind'] = 'info') => setToast({ text, kind, nonce: Date.now() });
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), toast.kind === 'error' ? 8000 : 3500);
    return () => clearTimeout(t);
  }, [toast]);
  useEffect(() => {
    if (selected.length !== 2) setComparing(false);
  }, [selected.length]);

  const detail = exchange?.detail ?? null;
  const run = async (label: string, task: () => Promise<void>) => {
    setBusy(label);
    try {
      await task();
    } catch (e) {
      say(`${label} failed: ${errorText(e)}`, 'error');
    } finally {
      setBusy(null);
    }
  };

  const exportHar = () =>
    run('Export', async () => {
      const ids = selected.length > 1 ? selected : undefined;
      const { har, count } = await api.call('traffic.export', ids ? { ids, filter: '' } : { filter, limit: 10_000 });
      downloadHar(har);
      say(`Exported ${count} exchange${count === 1 ? '' : 's'} as HAR.`);
    });
  const importHar = (file: File) =>
    run('Import', async () => {
      const har = await readHarFile(file);
      const { imported, skipped } = await api.call('traffic.import', { har, name: file.name });
      say(`Imported ${imported} exchange${imported === 1 ? '' : 's'} from ${file.name}${skipped ? ` (${skipped} skipped)` : ''}.`);
    });
  const clear = () => {
    if (!window.confirm(`Delete all ${info ? formatCount(info.count) : ''} logged exchanges? This cannot be undone.`)) return;
    void run('Clear', async () => {
      const deleted = await model.clear();
      say(`Deleted ${formatCount(deleted)} exchanges.`);
    });
  };

  const actions = detail && (
    <>
      <button
        className="btn"
        onClick={() =>
          void run('Replay', async () => {
            setTab('replay');
            setOutcome(await replay(api, detail.id));
          })
        }
        data-testid="action-replay"
        title="Send this request again through the gateway, as logged"
      >
        ↻ Replay
      </button>
      <button className="btn" onClick={() => setTab('replay')} data-testid="action-edit-replay" title="Edit the request, then send it">
        Edit &amp; replay
      </button>
      <button
        className="btn"
        onClick={() =>
          void run('Copy', async () => {
            const edit = editableFrom(detail);
            const body = detail.requestBody;
            await copyText(
              toCurl(
                {
                  method: detail.method,
                  url: edit.url,
                  headers: detail.requestHeaders,
                  ...(edit.body !== null ? (edit.body ? { body: edit.body } : {}) : { bodyBase64: body!.base64 }),
                  ...(body?.truncated ? { truncated: { logged: Math.floor((body.base64.length * 3) / 4), size: body.size } } : {}),
                },
                gatewayUrl ?? 'http://127.0.0.1',
              ),
            );
            say('Copied as cURL.');
          })
        }
        data-testid="action-curl"
      >
        Copy as cURL
      </button>
      {(detail.operationId || detail.route) && (
        <button
          className="btn ghost"
          onClick={() => {
            onShowDesign();
            void revealOperation(ws, { operationId: detail.operationId, route: detail.route, method: detail.method });
          }}
          data-testid="action-open-operation"
          title="Show this operation in the design"
        >
          Open {detail.operationId ?? 'operation'} ↗
        </button>
      )}
    </>
  );

  // Drag the divider between the list and the detail.
  const onDividerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    const box = split.current!;
    e.currentTarget.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => {
      const rect = box.getBoundingClientRect();
      const width = Math.min(rect.width - 360, Math.max(340, rect.right - ev.clientX));
      box.style.setProperty('--detail', `${width}px`);
    };
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  return (
    <div className="traffic" data-testid="traffic-view">
      <FilterBar model={model} />
      <div className="traffic-toolbar">
        <button className={`btn live${paused ? ' paused' : ''}`} onClick={() => model.setPaused(!paused)} aria-pressed={!paused} data-testid="live-toggle" title={paused ? 'Resume live updates' : 'Pause live updates'}>
          <span className="live-dot" />
          {paused ? (pending ? `Paused · ${formatCount(pending)} new` : 'Paused') : 'Live'}
        </button>
        <button className="btn" onClick={clear} disabled={!!busy} data-testid="traffic-clear">
          Clear
        </button>
        <span className="tsep" />
        <button className="btn" disabled={selected.length !== 2} onClick={() => setComparing(true)} data-testid="action-compare" title="Select two exchanges (Ctrl/⌘-click) to compare them">
          Compare{selected.length === 2 ? ' 2' : ''}
        </button>
        <button className="btn" onClick={exportHar} disabled={!!busy || (loaded === 0 && selected.length < 2)} data-testid="export-har" title={selected.length > 1 ? 'Export the selected exchanges as HAR 1.2' : 'Export the filter result (up to 10,000 exchanges) as HAR 1.2'}>
          {selected.length > 1 ? `Export ${selected.length} selected` : 'Export HAR'}
        </button>
        <button className="btn" onClick={() => fileInput.current?.click()} disabled={!!busy} data-testid="import-har">
          Import HAR
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".har,application/json"
          hidden
          data-testid="import-har-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importHar(file);
          }}
        />
        {busy && <span className="spinner" aria-label={busy} />}
        <span className="spacer" />
        <span className="traffic-meta" data-testid="traffic-count">
          {error ? (
            <span className="muted">–</span>
          ) : (
            <>
              <b>{count ? `${formatCount(count.count)}${count.capped ? '+' : ''}` : formatCount(loaded)}</b> {filter ? 'matching' : 'exchanges'}
              {queryMs !== null && <span className="muted"> · {formatMs(queryMs)}</span>}
            </>
          )}
        </span>
        {info && (
          <RetentionButton
            api={api}
            info={info}
            onChanged={(next, text) => {
              model.store.set({ info: next });
              say(text);
            }}
          />
        )}
      </div>
      <div className="traffic-split" ref={split}>
        <ExchangeList model={model} />
        <div className="traffic-divider" role="separator" aria-orientation="vertical" onPointerDown={onDividerDown} />
        <div className="traffic-side">
          {comparing && selected.length === 2 ? (
            <CompareView api={api} ids={[selected[0]!, selected[1]!]} onClose={() => setComparing(false)} />
          ) : detail ? (
            <ExchangeDetailPane api={api} detail={detail} tab={tab} onTab={setTab} replay={outcome} onReplayed={setOutcome} actions={actions} onFilter={(key, value) => model.setFilter(withTerm(filter, key, value))} />
          ) : exchange?.error ? (
            <div className="xside-empty text-error">{exchange.error}</div>
          ) : (
            <div className="xside-empty muted">
              {current !== null ? (
                <span className="spinner" />
              ) : (
                <>
                  <div>Select an exchange to see its headers, bodies, timing and validation.</div>
                  <div className="small">Ctrl/⌘-click a second one to compare; Shift-click for a range to export.</div>
                </>
              )}
            </div>
          )}
        </div>
      </div>
      {toast && (
        <div className={`toast ${toast.kind}`} role="status" data-testid="traffic-toast" key={toast.nonce}>
          {toast.text}
        </div>
      )}
    </div>
  );
}
