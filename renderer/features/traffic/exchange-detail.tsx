import { useEffect, useState } from 'react';
import type { Api, ExchangeDetail } from '../../../gateway/contract';
import { header } from './body';
import { BodyView } from './body-view';
import { formatBytes, formatMs, modeLabel, statusClass } from './format';
import { ReplayPanel, type ReplayOutcome } from './replay-panel';
import { errorText } from './traffic-model';
import type { QueryKey } from './query';

export type FilterBy = (key: QueryKey, value: string) => void;

export type DetailTab = 'overview' | 'request' | 'response' | 'replay';

/** Loads one exchange in full (headers, bodies, validation) when the selection changes. */
export function useExchange(api: Api, id: number | null) {
  const [state, setState] = useState<{ id: number; detail: ExchangeDetail | null; error: string | null } | null>(null);
  useEffect(() => {
    if (id === null) return setState(null);
    let live = true;
    setState((s) => (s?.id === id ? s : { id, detail: null, error: null }));
    api.call('traffic.get', { id }).then(
      (detail) => live && setState({ id, detail, error: null }),
      (e) => live && setState({ id, detail: null, error: errorText(e) }),
    );
    return () => {
      live = false;
    };
  }, [api, id]);
  return state;
}

export function ExchangeDetailPane({
  api,
  detail,
  tab,
  onTab,
  replay,
  onReplayed,
  actions,
  onFilter,
}: {
  onFilter: FilterBy;
  api: Api;
  detail: ExchangeDetail;
  tab: DetailTab;
  onTab: (tab: DetailTab) => void;
  replay: ReplayOutcome | null;
  onReplayed: (outcome: ReplayOutcome) => void;
  actions: React.ReactNode;
}) {
  const cls = statusClass(detail.status);
  const tabs: Array<[DetailTab, string, string?]> = [
    ['overview', 'Overview'],
    ['request', 'Request', detail.requestHeaders.length ? String(detail.requestHeaders.length) : undefined],
    ['response', 'Response', detail.responseBody ? formatBytes(detail.responseBody.size) : undefined],
    ['replay', 'Replay'],
  ];
  return (
    <section className="xdetail" aria-label="Exchange" data-testid="exchange-detail" data-id={detail.id}>
      <header className="xdetail-head">
        <div className="xdetail-line">
          <span className={`method m-${detail.method.toLowerCase()}`}>{detail.method}</span>
          <span className="xdetail-url" title={detail.rawUrl}>
            {detail.url}
          </span>
          <span className={`status-badge st-${cls}`} data-testid="detail-status">
            {detail.status || 'ERR'}
          </span>
          <span className="muted">{formatMs(detail.durationMs)}</span>
        </div>
        <div className="xdetail-actions">{actions}</div>
        <nav className="xtabs" role="tablist">
          {tabs.map(([key, label, badge]) => (
            <button key={key} role="tab" aria-selected={tab === key} className={tab === key ? 'on' : ''} onClick={() => onTab(key)} data-testid={`detail-tab-${key}`}>
              {label}
              {badge && <span className="xtab-badge">{badge}</span>}
              {key === 'overview' && (detail.validation?.length ?? 0) > 0 && <span className="xtab-badge warn">{detail.validation!.length}</span>}
            </button>
          ))}
        </nav>
      </header>
      <div className="xdetail-body" role="tabpanel" data-testid={`detail-panel-${tab}`}>
        {tab === 'overview' && <Overview detail={detail} onFilter={onFilter} />}
        {tab === 'request' && (
          <>
            <Headers title="Request headers" headers={detail.requestHeaders} testId="request-headers" />
            <h4 className="xsection">Request body</h4>
            <BodyView body={detail.requestBody} contentType={header(detail.requestHeaders, 'content-type')} label="request" />
          </>
        )}
        {tab === 'response' && (
          <>
            <Headers title="Response headers" headers={detail.responseHeaders} testId="response-headers" />
            <h4 className="xsection">Response body</h4>
            <BodyView body={detail.responseBody} contentType={header(detail.responseHeaders, 'content-type')} label="response" />
          </>
        )}
        {tab === 'replay' && <ReplayPanel key={detail.id} api={api} detail={detail} outcome={replay} onReplayed={onReplayed} />}
      </div>
    </section>
  );
}

/** A value with a button that narrows the list to it (`op:listPets`, `consumer:alice`, ...). */
function By({ k, value, onFilter, children }: { k: QueryKey; value: string; onFilter: FilterBy; children: React.ReactNode }) {
  return (
    <span className="by">
      {children}
      <button className="by-filter" onClick={() => onFilter(k, value)} title={`Show only ${k}:${value}`} data-testid={`filter-by-${k}`}>
        filter
      </button>
    </span>
  );
}

function Overview({ detail, onFilter }: { detail: ExchangeDetail; onFilter: FilterBy }) {
  const rows: Array<[string, React.ReactNode]> = [
    ['URL', <span className="mono">{detail.rawUrl}</span>],
    ['Started', new Date(detail.startedAt).toLocaleString()],
    [
      'Operation',
      detail.operationId ? (
        <By k="op" value={detail.operationId} onFilter={onFilter}>
          <span className="mono">{detail.operationId}</span>
        </By>
      ) : (
        <span className="muted">none matched</span>
      ),
    ],
    [
      'Status',
      <By k="status" value={String(detail.status)} onFilter={onFilter}>
        <span className={`mono st-${statusClass(detail.status)}`}>{detail.status}</span>
      </By>,
    ],
    ['Route', detail.route ? <span className="mono">{detail.route}</span> : <span className="muted">–</span>],
    [
      'Mode',
      ['mock', 'proxy', 'rejected'].includes(detail.mode) ? (
        <By k="mode" value={detail.mode} onFilter={onFilter}>
          <span className={`mode mode-${detail.mode}`}>{modeLabel[detail.mode]}</span>
        </By>
      ) : (
        <span className={`mode mode-${detail.mode}`}>{modeLabel[detail.mode]}</span>
      ),
    ],
    ['Client', <span className="mono">{detail.clientAddress}</span>],
    [
      'Consumer',
      detail.consumer ? (
        <By k="consumer" value={detail.consumer} onFilter={onFilter}>
          {detail.consumer}
        </By>
      ) : (
        <span className="muted">anonymous</span>
      ),
    ],
    ['Upstream', detail.upstream ? <span className="mono">{detail.upstream}</span> : <span className="muted">–</span>],
    ['Response size', formatBytes(detail.responseSize ?? detail.responseBody?.size ?? 0)],
  ];
  if (detail.origin) rows.push(['Origin', detail.origin]);
  return (
    <div className="overview">
      {detail.error && (
        <div className="callout error" data-testid="exchange-error">
          <strong>Transport error</strong> {detail.error}
        </div>
      )}
      {detail.policy && (
        <div className={`callout ${detail.mode === 'rejected' ? 'error' : 'info'}`} data-testid="policy-callout">
          <strong>
            {detail.mode === 'rejected' ? 'Rejected by' : 'Answered by'} {detail.policy.name ?? detail.policy.id}
          </strong>
          {detail.policy.name && detail.policy.name !== detail.policy.id && <span className="muted"> ({detail.policy.id})</span>}
          <div>{detail.policy.reason}</div>
        </div>
      )}
      <h4 className="xsection">Timing</h4>
      <Timing detail={detail} />
      <h4 className="xsection">Exchange</h4>
      <dl className="kv">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <h4 className="xsection">Validation against the design</h4>
      {detail.validation === undefined ? (
        <div className="muted small">Not checked: the route is no longer in the design.</div>
      ) : detail.validation.length === 0 ? (
        <div className="valid small" data-testid="validation-ok">
          ✓ Request and response match the design.
        </div>
      ) : (
        <ul className="findings" data-testid="validation">
          {detail.validation.map((f, i) => (
            <li key={i}>
              <span className={`finding-in in-${f.in}`}>{f.in}</span>
              <span className="mono">{f.pointer}</span>
              <span>{f.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Total, gateway and upstream time as one bar, then each policy's time (the part of the gateway's time it took). */
function Timing({ detail }: { detail: ExchangeDetail }) {
  const total = Math.max(detail.durationMs, 0.001);
  const upstream = detail.upstreamMs ?? 0;
  const gateway = detail.gatewayMs;
  const pct = (v: number) => `${Math.max(0, Math.min(100, (v / total) * 100))}%`;
  return (
    <div className="timing" data-testid="timing">
      <div className="timing-bar" aria-hidden>
        <span className="seg seg-gateway" style={{ width: pct(gateway) }} />
        <span className="seg seg-upstream" style={{ width: pct(upstream) }} />
      </div>
      <div className="timing-legend">
        <span>
          <i className="dot dot-total" /> total <b>{formatMs(detail.durationMs)}</b>
        </span>
        <span>
          <i className="dot dot-gateway" /> gateway <b>{formatMs(gateway)}</b>
        </span>
        <span>
          <i className="dot dot-upstream" /> upstream <b>{detail.upstreamMs === undefined ? '–' : formatMs(upstream)}</b>
        </span>
      </div>
      {detail.policyTimings && detail.policyTimings.length > 0 && (
        <table className="policy-timings" data-testid="policy-timings">
          <tbody>
            {detail.policyTimings.map((t, i) => (
              <tr key={i}>
                <td>
                  {t.id}
                  {t.name && t.name !== t.id && <span className="muted"> {t.name}</span>}
                </td>
                <td className="policy-timing-bar">
                  <span style={{ width: pct(t.ms) }} />
                </td>
                <td className="num">{formatMs(t.ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Headers({ title, headers, testId }: { title: string; headers: Array<[string, string]>; testId: string }) {
  return (
    <>
      <h4 className="xsection">
        {title} <span className="muted">{headers.length}</span>
      </h4>
      {headers.length === 0 ? (
        <div className="muted small">None.</div>
      ) : (
        <table className="headers" data-testid={testId}>
          <tbody>
            {headers.map(([name, value], i) => (
              <tr key={i}>
                <th>{name}</th>
                <td className={/redacted|\*{3}/i.test(value) ? 'redacted' : undefined}>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
