import { useEffect, useState } from 'react';
import { useStore } from '../workspace/store';
import type { Workspace } from '../workspace/workspace';
import type { OutlineItem } from './outline-protocol';
import { outlineOf } from './outline-client';
import { ChevronIcon } from '../../ui/icons';

const OUTLINE_DELAY_MS = 250;

/** Paths, operations and schemas of the active file, parsed in a worker; click to jump. */
export function OutlinePanel({ ws }: { ws: Workspace }) {
  const active = useStore(ws.store, (s) => s.active);
  const edits = useStore(ws.store, (s) => s.edits);
  const [items, setItems] = useState<OutlineItem[]>([]);

  useEffect(() => {
    const model = active ? ws.model(active) : null;
    if (!active || !model) return setItems([]);
    let cancelled = false;
    const timer = setTimeout(() => {
      void outlineOf(active, model.getValue()).then((next) => !cancelled && setItems(next));
    }, OUTLINE_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [active, edits, ws]);

  return (
    <nav className="outline" aria-label="Outline">
      {items.length === 0 && <div className="muted pad">No outline for this file.</div>}
      {items.map((item, i) => (
        <Item key={`${item.label}:${i}`} item={item} depth={0} go={(line, column) => active && void ws.open(active, { line, column })} />
      ))}
    </nav>
  );
}

function Item({ item, depth, go }: { item: OutlineItem; depth: number; go: (line: number, column: number) => void }) {
  const [open, setOpen] = useState(true);
  const kids = item.children ?? [];
  return (
    <>
      <div className={`outline-row kind-${item.kind}`} style={{ paddingLeft: 6 + depth * 12 }}>
        <button className="twisty" onClick={() => setOpen(!open)} aria-label={open ? 'Collapse' : 'Expand'} style={{ visibility: kids.length ? 'visible' : 'hidden' }}>
          <ChevronIcon open={open} />
        </button>
        <button className="outline-label" onClick={() => go(item.line, item.column)} title={`${item.label} — line ${item.line}`}>
          {item.kind === 'operation' ? <span className={`method m-${item.label.toLowerCase()}`}>{item.label}</span> : <span className="outline-name">{item.label}</span>}
          {item.detail && <span className="outline-detail">{item.detail}</span>}
        </button>
      </div>
      {open && kids.map((k, i) => <Item key={`${k.label}:${i}`} item={k} depth={depth + 1} go={go} />)}
    </>
  );
}
