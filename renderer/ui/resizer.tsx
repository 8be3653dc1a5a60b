import { useRef } from 'react';

/** A drag handle that resizes the neighbouring pane (size kept in a CSS variable on the layout). */
export function Resizer({ variable, axis, invert = false, min, max }: { variable: string; axis: 'x' | 'y'; invert?: boolean; min: number; max: number }) {
  const start = useRef<{ at: number; size: number } | null>(null);
  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    const layout = e.currentTarget.closest<HTMLElement>('.layout')!;
    const size = parseFloat(getComputedStyle(layout).getPropertyValue(variable)) || min;
    start.current = { at: axis === 'x' ? e.clientX : e.clientY, size };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>) => {
    if (!start.current) return;
    const layout = e.currentTarget.closest<HTMLElement>('.layout')!;
    const delta = (axis === 'x' ? e.clientX : e.clientY) - start.current.at;
    const size = Math.min(max, Math.max(min, start.current.size + (invert ? -delta : delta)));
    layout.style.setProperty(variable, `${size}px`);
  };
  const onPointerUp = () => (start.current = null);
  return <div className={`resizer resizer-${axis}`} role="separator" aria-orientation={axis === 'x' ? 'vertical' : 'horizontal'} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} />;
}
