import { memo, useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ExchangeSummary } from '../../../gateway/contract';
import { useStore } from '../workspace/store';
import type { TrafficModel } from './traffic-model';
import { formatBytes, formatMs, formatTime, modeLabel, splitUrl, statusClass } from './format';

export const ROW_HEIGHT = 26;
/** Start loading the next page this many rows before the end. */
const PREFETCH = 80;

const COLUMNS = [
  ['time', 'Time'],
  ['method', 'Method'],
  ['path', 'Path'],
  ['operation', 'Operation'],
  ['status', 'Status'],
  ['duration', 'Duration'],
  ['size', 'Size'],
  ['consumer', 'Consumer'],
  ['mode', 'Mode'],
] as const;

/** The exchanges, newest first: virtualised rows of fixed height, the next keyset page loaded near the end. */
export function ExchangeList({ model }: { model: TrafficModel }) {
  const rows = useStore(model.store, (s) => s.rows);
  const done = useStore(model.store, (s) => s.done);
  const loading = useStore(model.store, (s) => s.loading);
  const selected = useStore(model.store, (s) => s.selected);
  const prepended = useStore(model.store, (s) => s.prepended);
  const error = useStore(model.store, (s) => s.error);
  const filter = useStore(model.store, (s) => s.filter);
  const scroller = useRef<HTMLDivElement>(null);
  const count = rows.length + (done ? 0 : 1);

  // Stable callbacks: the virtualiser rebuilds its measurements (one object per loaded row) whenever they change.
  const getItemKey = useCallback((i: number) => rows[i]?.id ?? 'more', [rows]);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: useCallback(() => scroller.current, []),
    estimateSize: useCallback(() => ROW_HEIGHT, []),
    overscan: 16,
    getItemKey,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (!done && last >= rows.length - PREFETCH) void model.loadMore();
  }, [last, rows.length, done, loading, model]);

  // New rows on top: a user who scrolled down keeps the same rows in view; at the top, the new rows show.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || prepended.count === 0) return;
    if (el.scrollTop > 0) el.scrollTop += prepended.count * ROW_HEIGHT;
  }, [prepended]);

  // The header lines up with the rows: it leaves room for the rows' scrollbar. Measured on resize only (reading
  // offsetWidth on every render forces a layout per scroll frame).
  const list = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !list.current) return;
    const host = list.current;
    const measure = () => host.style.setProperty('--gutter', `${el.offsetWidth - el.clientWidth}px`);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const scrollTo = (index: number | null) => index !== null && virtualizer.scrollToIndex(index, { align: 'auto' });
  const onKeyDown = (e: React.KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 260) / ROW_HEIGHT) - 1);
    const delta = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity }[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    scrollTo(model.step(Number.isFinite(delta) ? delta : delta > 0 ? rows.length : -rows.length));
  };

  const chosen = new Set(selected);
  return (
    <div className="xlist" ref={list} role="grid" aria-label="Exchanges" aria-rowcount={rows.length} aria-multiselectable data-testid="exchange-list">
      <div className="xrow xhead" role="row">
        {COLUMNS.map(([key, label]) => (
          <div key={key} className={`xc xc-${key}`} role="columnheader">
            {label}
          </div>
        ))}
      </div>
      <div className="xlist-scroll" ref={scroller} tabIndex={0} onKeyDown={onKeyDown}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row)
              return (
                <div key="more" className="xrow xmore" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                  <span className="spinner" /> Loading older exchanges…
                </div>
              );
            return <Row key={row.id} row={row} top={item.start} selected={chosen.has(row.id)} model={model} />;
          })}
        </div>
        {error && (
          <div className="xempty invalid" data-testid="traffic-empty">
            {error.badQuery ? 'Fix the filter to see exchanges.' : `Could not load exchanges: ${error.message}`}
          </div>
        )}
        {rows.length === 0 && !loading && !error && (
          <div className="xempty" data-testid="traffic-empty">
            {filter ? (
              <>No exchanges match this filter.</>
            ) : (
              <>
                <strong>No traffic yet.</strong>
                <span>Send requests to the gateway; they appear here as they complete.</span>
              </>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

/** One exchange; rendered again only when its row, place or selection changes (not on every scroll frame). */
const Row = memo(function Row({ row, top, selected, model }: { row: ExchangeSummary; top: number; selected: boolean; model: TrafficModel }) {
  const { path, query } = splitUrl(row.url);
  const cls = statusClass(row.status);
  const method = row.method.toLowerCase();
  return (
    <div
      className={`xrow${selected ? ' selected' : ''}${row.error ? ' failed' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      role="row"
      aria-selected={selected}
      data-testid="exchange-row"
      data-id={row.id}
      data-status={row.status}
      onMouseDown={(e) => {
        if (e.shiftKey) e.preventDefault(); // no text selection on shift-click
      }}
      onClick={(e) => model.select(row.id, { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey })}
    >
      <div className="xc xc-time" role="gridcell" title={row.startedAt}>
        {formatTime(row.startedAt)}
      </div>
      <div className="xc xc-method" role="gridcell">
        <span className={`method m-${method}`}>{row.method}</span>
      </div>
      <div className="xc xc-path" role="gridcell" title={row.url}>
        {path}
        {query && <span className="xquery">{query}</span>}
      </div>
      <div className="xc xc-operation" role="gridcell" title={row.route}>
        {row.operationId ?? (row.route ? <span className="muted">{row.route}</span> : '')}
      </div>
      <div className={`xc xc-status st-${cls}`} role="gridcell" data-testid="status-cell" title={row.error ?? row.policy?.reason}>
        {row.status || (row.error ? 'ERR' : '–')}
      </div>
      <div className={`xc xc-duration${row.durationMs >= 1000 ? ' slow' : ''}`} role="gridcell">
        {formatMs(row.durationMs)}
      </div>
      <div className="xc xc-size" role="gridcell">
        {formatBytes(row.responseSize)}
      </div>
      <div className="xc xc-consumer" role="gridcell">
        {row.consumer ?? ''}
      </div>
      <div className="xc xc-mode" role="gridcell" title={row.policy ? `${row.policy.name ?? row.policy.id}: ${row.policy.reason}` : undefined}>
        <span className={`mode mode-${row.mode}`}>{modeLabel[row.mode]}</span>
      </div>
    </div>
  );
});
