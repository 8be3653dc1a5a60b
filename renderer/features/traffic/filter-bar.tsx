import { useEffect, useRef, useState } from 'react';
import { useStore } from '../workspace/store';
import type { TrafficModel } from './traffic-model';
import { normalizeQuery, quick, termValue, withTerm, type QueryKey } from './query';

const TYPING_DELAY_MS = 600;

/**
 * The query text and the quick controls that write into it. Typing applies after a pause or on Enter; a control
 * applies at once. A query the engine refuses is shown under the bar with its message.
 */
export function FilterBar({ model }: { model: TrafficModel }) {
  const applied = useStore(model.store, (s) => s.filter);
  const error = useStore(model.store, (s) => s.error);
  const [text, setText] = useState(applied);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);
  // The applied filter changed elsewhere (a control, a "filter by" link): show it.
  useEffect(() => setText((t) => (normalizeQuery(t) === applied ? t : applied)), [applied]);

  const apply = (next: string) => {
    clearTimeout(timer.current);
    if (normalizeQuery(next) !== applied || error) model.setFilter(next);
  };
  const onChange = (next: string) => {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => apply(next), TYPING_DELAY_MS);
  };
  const control = (key: QueryKey, value: string | undefined) => {
    const next = withTerm(text, key, value);
    setText(next);
    apply(next);
  };

  const select = (key: QueryKey, label: string, options: readonly string[], render = (o: string) => o) => {
    const value = termValue(text, key) ?? '';
    const known = options.some((o) => o.toLowerCase() === value.toLowerCase());
    return (
      <label className={`qctl${value ? ' on' : ''}`}>
        <span>{label}</span>
        <select value={known ? options.find((o) => o.toLowerCase() === value.toLowerCase()) : value} onChange={(e) => control(key, e.target.value || undefined)} data-testid={`quick-${key}`} aria-label={label}>
          <option value="">any</option>
          {!known && value && <option value={value}>{value}</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {render(o)}
            </option>
          ))}
        </select>
      </label>
    );
  };

  const bad = error?.badQuery ? error.message : null;
  return (
    <div className="filter-bar">
      <div className={`query${bad ? ' invalid' : ''}`}>
        <svg width="13" height="13" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden>
          <circle cx="7" cy="7" r="4.5" />
          <path d="M10.5 10.5L14 14" strokeLinecap="round" />
        </svg>
        <input
          value={text}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              // Enter always runs the query again (e.g. for text the search index had not reached yet).
              clearTimeout(timer.current);
              model.setFilter(text);
            }
            if (e.key === 'Escape' && text) {
              setText('');
              apply('');
            }
          }}
          placeholder='Filter: status:5xx op:getPet method:POST consumer:acme mode:mock since:10m slower:200ms "free text"'
          spellCheck={false}
          aria-label="Filter"
          aria-invalid={!!bad}
          aria-describedby={bad ? 'query-error' : undefined}
          data-testid="traffic-filter"
        />
        {text && (
          <button className="query-clear" onClick={() => (setText(''), apply(''))} aria-label="Clear filter" title="Clear filter (Esc)">
            ×
          </button>
        )}
      </div>
      <div className="quick">
        {select('method', 'Method', quick.method)}
        {select('status', 'Status', quick.status)}
        {select('mode', 'Mode', quick.mode, (o) => ({ mock: 'mocked', proxy: 'proxied', rejected: 'rejected' })[o] ?? o)}
        {select('since', 'Since', quick.since, (o) => `last ${o}`)}
        {select('slower', 'Slower than', quick.slower)}
      </div>
      {bad && (
        <div className="query-error" id="query-error" role="alert" data-testid="filter-error">
          {bad}
        </div>
      )}
    </div>
  );
}
