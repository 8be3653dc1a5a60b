// A time-series chart on uPlot (small, fast, canvas): follows its container's width and the app's colours.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useColorScheme } from '../../ui/use-color-scheme';

export interface SeriesSpec {
  label: string;
  /** A CSS colour or a `var(--name)` of app.css. */
  color: string;
  kind?: 'line' | 'bars' | 'area' | 'step';
  /** Points of this series are formatted with this (the legend and the axis). */
  format?: (v: number) => string;
}

/** Resolves `var(--x)` against the document, since a canvas needs a concrete colour. */
function resolve(color: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(color);
  return m ? getComputedStyle(document.documentElement).getPropertyValue(m[1]!).trim() || '#888' : color;
}

/** Whole decades around the data (uPlot's log scale needs a positive range, also with one point or none). */
const logRange = (_u: uPlot, min: number | null, max: number | null): [number, number] => {
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(min ?? 0.1, 0.01))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(max ?? 100, lo * 10))));
  return [lo, hi === lo ? lo * 10 : hi];
};

const decades = (min: number, max: number) => {
  const out: number[] = [];
  for (let v = Math.pow(10, Math.ceil(Math.log10(min))); v <= max * 1.0001; v *= 10) out.push(v);
  return out;
};

const alpha = (color: string, a: number) => `color-mix(in srgb, ${color} ${Math.round(a * 100)}%, transparent)`;

export function TimeChart({ title, x, series, values, height = 180, yFormat, log = false, testId }: { title: string; x: number[]; series: SeriesSpec[]; values: Array<Array<number | null>>; height?: number; yFormat?: (v: number) => string; log?: boolean; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const scheme = useColorScheme();
  const shape = series.map((s) => `${s.label}:${s.kind ?? 'line'}`).join('|');

  useEffect(() => {
    const el = host.current!;
    const text = resolve('var(--text-3)');
    const grid = resolve('var(--border)');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1, size: 4 }, font: '11px system-ui, sans-serif' };
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height,
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { live: true },
      // Latency spans orders of magnitude (a mocked p50 of 1 ms beside a proxied p99 of 300 ms): log scale there.
      scales: { x: { time: true }, y: log ? { distr: 3, log: 10, range: logRange } : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.08 : 1] } },
      axes: [
        { ...axis, space: 70 },
        {
          ...axis,
          size: 56,
          // On a log scale: one line per decade (uPlot's default draws nine, which reads as noise).
          ...(log && { splits: (_u: uPlot, _i: number, min: number, max: number) => decades(min, max) }),
          values: (_u, ticks) => ticks.map((t) => (t == null ? '' : yFormat ? yFormat(t) : String(t))),
        },
      ],
      series: [
        {},
        ...series.map((s) => {
          const stroke = resolve(s.color);
          const kind = s.kind ?? 'line';
          return {
            label: s.label,
            stroke,
            width: kind === 'bars' ? 0 : 1.6,
            fill: kind === 'bars' ? alpha(stroke, 0.7) : kind === 'area' || kind === 'step' ? alpha(stroke, 0.14) : undefined,
            // Points show by themselves where the data is sparse (a lone bucket is a dot, not nothing).
            ...(kind === 'bars' ? { points: { show: false } } : { points: { size: 5, fill: stroke } }),
            spanGaps: false,
            ...(kind === 'bars' ? { paths: uPlot.paths.bars!({ size: [0.72, 24], gap: 1 }) } : kind === 'step' ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
            value: (_u: uPlot, v: number | null) => (v == null ? '–' : s.format ? s.format(v) : String(v)),
          } satisfies uPlot.Series;
        }),
      ],
    };
    const u = new uPlot(opts, [x, ...values] as uPlot.AlignedData, el);
    plot.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Data changes go through setData below; a new shape or colour scheme builds the chart again.
  }, [shape, scheme, height, log]);

  useEffect(() => {
    plot.current?.setData([x, ...values] as uPlot.AlignedData);
  }, [x, values]);

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={host} className="chart-host" />
    </figure>
  );
}
