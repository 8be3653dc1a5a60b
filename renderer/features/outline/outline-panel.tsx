import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import type { OutlineItem } from './outline-protocol';
import { outlineOfModel } from './outline-client';
import { ChevronIcon } from '../../ui/icons';

const OUTLINE_DELAY_MS = 250;
/** A large file (GitHub's description: 347k lines, thousands of entries) is outlined less eagerly. */
const LARGE_OUTLINE_DELAY_MS = 2000;
const LARGE_CHARS = 1_000_000;

/** Paths, operations and schemas of the active file, parsed in a worker; click to jump. */
export function OutlinePanel({ ws }: { ws: Workspace }) {
  const active = useStore(ws.store, (s) => s.active);
  const edits = useStore(ws.store, (s) => s.edits);
  const [items, setItems] = useState<OutlineItem[]>([]);

  useEffect(() => {
    const model = active ? ws.model(active) : null;
    if (!active || !model) return setItems([]);
    let cancelled = false;
    const large = model.getValueLength() > LARGE_CHARS;
    const timer = setTimeout(
      () => {
        void outlineOfModel(active, model).then((next) => {
          // Typing inside a value changes no entry: keep the same items (and skip drawing thousands of rows).
          if (!cancelled) setItems((previous) => (sameItems(previous, next) ? previous : next));
        });
      },
      large ? LARGE_OUTLINE_DELAY_MS : OUTLINE_DELAY_MS,
    );
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [active, edits, ws]);

  return <OutlineList items={items} ws={ws} active={active} />;
}

function sameItems(a: OutlineItem[], b: OutlineItem[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

const ROW_HEIGHT = 23; // .outline-row
const OVERSCAN = 30;

interface Row {
  key: string;
  item: OutlineItem;
  depth: number;
  open: boolean;
}

function flatten(items: OutlineItem[], closed: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  const walk = (list: OutlineItem[], depth: number, parent: string) =>
    list.forEach((item, i) => {
      const key = `${parent}/${i}:${item.label}`;
      const open = !closed.has(key);
      rows.push({ key, item, depth, open });
      if (open && item.children?.length) walk(item.children, depth + 1, key);
    });
  walk(items, 0, '');
  return rows;
}

/**
 * Drawn only when the items change, not on every edit, and only the rows in view: GitHub's description has 3,800
 * entries (24,000 elements), whose style and layout work made typing in the editor beside them slow.
 */
const OutlineList = memo(function OutlineList({ items, ws, active }: { items: OutlineItem[]; ws: Workspace; active: string | null }) {
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo(() => flatten(items, closed), [items, closed]);
  const nav = useRef<HTMLElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  useEffect(() => {
    const el = nav.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight || 800 });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    measure();
    return () => observer.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const go = (line: number, column: number) => active && void ws.open(active, { line, column });
  const toggle = (key: string) =>
    setClosed((previous) => {
      const next = new Set(previous);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  return (
    <nav className="outline" aria-label="Outline" ref={nav} onScroll={(e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight || 800 })}>
      {items.length === 0 && <div className="muted pad">No outline for this file.</div>}
      <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
        <div style={{ position: 'absolute', top: first * ROW_HEIGHT, left: 0, right: 0 }}>
          {rows.slice(first, last).map((row) => (
            <Item key={row.key} row={row} toggle={toggle} go={go} />
          ))}
        </div>
      </div>
    </nav>
  );
});

function Item({ row, toggle, go }: { row: Row; toggle: (key: string) => void; go: (line: number, column: number) => void }) {
  const { item, depth, open } = row;
  const kids = item.children ?? [];
  return (
    <div className={`outline-row kind-${item.kind}`} style={{ paddingLeft: 6 + depth * 12 }}>
      <button className="twisty" onClick={() => toggle(row.key)} aria-label={open ? 'Collapse' : 'Expand'} style={{ visibility: kids.length ? 'visible' : 'hidden' }}>
        <ChevronIcon open={open} />
      </button>
      <button className="outline-label" onClick={() => go(item.line, item.column)} title={`${item.label} — line ${item.line}`}>
        {item.kind === 'operation' ? <span className={`method m-${item.label.toLowerCase()}`}>{item.label}</span> : <span className="outline-name">{item.label}</span>}
        {item.detail && <span className="outline-detail">{item.detail}</span>}
      </button>
    </div>
  );
}
