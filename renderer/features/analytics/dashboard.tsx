import { useCallback, useEffect, useMemo, useState } from 'react';
import { RpcError, type Api, type TrafficStats } from '../../../gateway/contract';
import { TimeChart } from './chart';
import { formatCount, formatMs } from '../traffic/format';

export const RANGES = [
  { id: '15m', label: '15 min', ms: 15 * 60_000, refresh: 5_000 },
  { id: '1h', label: '1 hour', ms: 60 * 60_000, refresh: 10_000 },
  { id: '24h', label: '24 hours', ms: 24 * 3_600_000, refresh: 30_000 },
  { id: '7d', label: '7 days', ms: 7 * 24 * 3_600_000, refresh: 60_000 },
] as const;
type RangeId = (typeof RANGES)[number]['id'];

const percent = (v: number) => `${v >= 10 || v === 0 ? Math.round(v) : v >= 1 ? v.toFixed(1) : v.toFixed(2)}%`;
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : v >= 10 || v === 0 ? `${Math.round(v)} ms` : `${+v.toFixed(v >= 1 ? 1 : 2)} ms`);

/** Analytics over a time range, all computed by the engine (`traffic.stats`, from per-minute aggregates). */
export function Dashboard({ api, active }: { api: Api; active: boolean }) {
  const [range, setRange] = useState<RangeId>('1h');
  const [filter, setFilter] = useState('');
  const [text, setText] = useState('');
  const [stats, setStats] = useState<TrafficStats | null>(null);
  const [error, setError] = useState<{ message: string; badQuery: boolean } | null>(null);
  const [loading, setLoading] = useState(false);
  const spec = RANGES.find((r) => r.id === range)!;

  const load = useCallback(async () => {
    const to = Date.now();
    setLoading(true);
    try {
      setStats(await api.call('traffic.stats', { from: to - spec.ms, to, filter }));
      setError(null);
    } catch (e) {
      setError({ message: e instanceof Error ? e.message : String(e), badQuery: e instanceof RpcError && e.code === 'bad_request' });
    } finally {
      setLoading(false);
    }
  }, [api, spec.ms, filter]);

  useEffect(() => {
    if (!active) return;
    void load();
    const timer = setInterval(() => void load(), spec.refresh);
    return () => clearInterval(timer);
  }, [active, load, spec.refresh]);

  // Formatting only: the engine's buckets as uPlot's columns (seconds on x).
  const columns = useMemo(() => {
    const b = stats?.buckets ?? [];
    return {
      x: b.map((p) => p.t / 1000),
      requests: [b.map((p) => p.count), b.map((p) => p.errors)],
      latency: [b.map((p) => p.p50), b.map((p) => p.p95), b.map((p) => p.p99)],
      status: [b.map((p) => p.s2xx), b.map((p) => p.s3xx), b.map((p) => p.s4xx), b.map((p) => p.s5xx)],
      errorRate: [b.map((p) => (p.count ? (p.errors / p.count) * 100 : null))],
    };
  }, [stats]);

  const operations = useMemo(() => [...(stats?.operations ?? [])].sort((a, b) => (b.p95 ?? -1) - (a.p95 ?? -1) || b.count - a.count), [stats]);
  const perSecond = stats && stats.to > stats.from ? stats.total / ((stats.to - stats.from) / 1000) : 0;
  const bucketLabel = stats ? formatBucket(stats.bucketMs) : '';

  return (
    <div className="dashboard" data-testid="dashboard">
      <div className="dash-bar">
        <div className="segmented dash-ranges" role="radiogroup" aria-label="Time range">
          {RANGES.map((r) => (
            <button key={r.id} role="radio" aria-checked={range === r.id} className={range === r.id ? 'on' : ''} onClick={() => setRange(r.id)} data-testid={`range-${r.id}`}>
              {r.label}
            </button>
          ))}
        </div>
        <div className={`query small-query${error?.badQuery ? ' invalid' : ''}`}>
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && setFilter(text.trim())}
            onBlur={() => setFilter(text.trim())}
            placeholder="Narrow down: op:getPet consumer:acme method:POST"
            spellCheck={false}
            aria-label="Dashboard filter"
            data-testid="dashboard-filter"
          />
        </div>
        <span className="spacer" />
        {loading && <span className="spinner" />}
        {stats && (
          <span className="muted small" data-testid="stats-time">
            {bucketLabel} buckets · computed in {formatMs(stats.durationMs)}
          </span>
        )}
        <button className="btn" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && (
        <div className={`callout error dash-error`} role="alert" data-testid="dashboard-error">
          {error.message}
        </div>
      )}
      <div className="dash-scroll">
        <div className="kpis">
          <Kpi label="Requests" value={stats ? formatCount(stats.total) : '–'} sub={stats ? `${perSecond >= 1 ? perSecond.toFixed(1) : perSecond.toFixed(3)} req/s` : ''} testId="kpi-total" />
          <Kpi label="Error rate" value={stats && stats.total ? percent((stats.errors / stats.total) * 100) : '–'} sub={stats ? `${formatCount(stats.errors)} error${stats.errors === 1 ? '' : 's'} (5xx, failed)` : ''} tone={stats && stats.errors ? 'bad' : undefined} testId="kpi-errors" />
          <Kpi label="p50" value={formatMs(stats?.p50)} sub="median latency" />
          <Kpi label="p95" value={formatMs(stats?.p95)} sub="95th percentile" />
          <Kpi label="p99" value={formatMs(stats?.p99)} sub="99th percentile" />
          <Kpi label="Consumers" value={stats ? String(stats.consumers.length) : '–'} sub={stats?.consumers[0] ? `top: ${stats.consumers[0].consumer}` : 'none identified'} />
        </div>
        <div className="charts">
          <TimeChart
            title={`Requests per ${bucketLabel || 'bucket'}`}
            x={columns.x}
            values={columns.requests}
            series={[
              { label: 'requests', color: 'var(--accent)', kind: 'bars' },
              { label: 'errors', color: 'var(--error)', kind: 'line' },
            ]}
            testId="chart-requests"
          />
          <TimeChart
            title="Latency (log scale)"
            x={columns.x}
            values={columns.latency}
            yFormat={ms}
            log
            series={[
              { label: 'p50', color: 'var(--ok)', format: ms },
              { label: 'p95', color: 'var(--warning)', format: ms },
              { label: 'p99', color: 'var(--error)', format: ms },
            ]}
            testId="chart-latency"
          />
          <TimeChart
            title="Status classes"
            x={columns.x}
            values={columns.status}
            series={[
              { label: '2xx', color: 'var(--ok)', kind: 'step' },
              { label: '3xx', color: 'var(--info)', kind: 'step' },
              { label: '4xx', color: 'var(--warning)', kind: 'step' },
              { label: '5xx', color: 'var(--error)', kind: 'step' },
            ]}
            testId="chart-status"
          />
          <TimeChart title="Error rate" x={columns.x} values={columns.errorRate} yFormat={percent} series={[{ label: 'errors', color: 'var(--error)', kind: 'area', format: percent }]} testId="chart-error-rate" />
        </div>
        <div className="dash-tables">
          <section className="dash-card wide">
            <h3>Operations, slowest first</h3>
            <table className="grid-table" data-testid="operations-table">
              <thead>
                <tr>
                  <th>Operation</th>
                  <th className="num">Requests</th>
                  <th className="num">p50</th>
                  <th className="num">p95</th>
                  <th className="num">p99</th>
                  <th className="num">Errors</th>
                </tr>
              </thead>
              <tbody>
                {operations.length === 0 && (
                  <tr>
                    <td colSpan={6} className="muted">
                      No traffic in this range.
                    </td>
                  </tr>
                )}
                {operations.map((o) => (
                  <tr key={o.operation}>
                    <td className="mono">{o.operation}</td>
                    <td className="num">{formatCount(o.count)}</td>
                    <td className="num">{formatMs(o.p50)}</td>
                    <td className="num strong">{formatMs(o.p95)}</td>
                    <td className="num">{formatMs(o.p99)}</td>
                    <td className={`num${o.errors ? ' text-error' : ''}`}>
                      {formatCount(o.errors)}
                      {o.count > 0 && o.errors > 0 && <span className="muted"> · {percent((o.errors / o.count) * 100)}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="dash-card">
            <h3>Top consumers</h3>
            <Bars items={(stats?.consumers ?? []).map((c) => ({ label: c.consumer, count: c.count }))} empty="No identified consumers." testId="top-consumers" />
          </section>
          <section className="dash-card">
            <h3>Rejected by policy</h3>
            <Bars items={(stats?.rejectedBy ?? []).map((c) => ({ label: c.policy, count: c.count }))} empty="Nothing rejected." tone="bad" testId="rejected-by" />
          </section>
        </div>
      </div>
    </div>
  );
}

function Kpi({ label, value, sub, tone, testId }: { label: string; value: string; sub?: string; tone?: 'bad'; testId?: string }) {
  return (
    <div className={`kpi${tone ? ` ${tone}` : ''}`} data-testid={testId}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {sub && <div className="kpi-sub">{sub}</div>}
    </div>
  );
}

function Bars({ items, empty, tone, testId }: { items: Array<{ label: string; count: number }>; empty: string; tone?: 'bad'; testId?: string }) {
  const max = Math.max(1, ...items.map((i) => i.count));
  if (items.length === 0) return <div className="muted small pad-y">{empty}</div>;
  return (
    <ul className={`bars${tone ? ` ${tone}` : ''}`} data-testid={testId}>
      {items.slice(0, 10).map((i) => (
        <li key={i.label}>
          <span className="bar-label mono" title={i.label}>
            {i.label}
          </span>
          <span className="bar-track">
            <span className="bar-fill" style={{ width: `${(i.count / max) * 100}%` }} />
          </span>
          <span className="bar-count">{formatCount(i.count)}</span>
        </li>
      ))}
    </ul>
  );
}

function formatBucket(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
