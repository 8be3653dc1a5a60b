import { countable, MINUTE_MS, operationLabel, rejectedByLabel, type Countable } from './aggregates.js';
import type { Db } from './db.js';
import { filterCondition } from './filter-sql.js';
import { isEmptyFilter, type TrafficFilter } from './filter.js';
import { decodeInto, merge, percentiles, record, type Histogram } from './histogram.js';

/**
 * The analytics dashboard's figures over a time range. Without a filter (or with only `op:`), they come from the
 * per-minute aggregates: the cost depends on the number of minutes, not of exchanges. Any other filter needs the raw
 * rows of the range, which is slower on large logs (documented in docs/traffic.md).
 */

export interface StatsOptions {
  from: number;
  to: number;
  filter: TrafficFilter;
}

export interface Bucket {
  t: number;
  count: number;
  errors: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface OperationStats {
  operation: string;
  count: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface Stats {
  from: number;
  to: number;
  bucketMs: number;
  total: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  buckets: Bucket[];
  operations: OperationStats[];
  consumers: { consumer: string; count: number }[];
  rejectedBy: { policy: string; count: number }[];
}

const BUCKET_CHOICES = [1, 5, 15, 30, 60, 180, 360, 720, 1440].map((m) => m * MINUTE_MS);

/** The smallest whole-minute bucket that keeps the chart at about 120 points or fewer. */
export function bucketFor(spanMs: number): number {
  return BUCKET_CHOICES.find((b) => spanMs / b <= 120) ?? BUCKET_CHOICES.at(-1)!;
}

interface Tally {
  count: number;
  errors: number;
  s: [number, number, number, number];
  hist: Histogram;
}
const tally = (): Tally => ({ count: 0, errors: 0, s: [0, 0, 0, 0], hist: new Map() });

export function trafficStats(db: Db, options: StatsOptions): Stats {
  const bucketMs = bucketFor(options.to - options.from);
  const from = options.from - (options.from % bucketMs);
  const to = options.to;
  const buckets = new Map<number, Tally>();
  const operations = new Map<string, Tally>();
  const overall = tally();
  const consumers = new Map<string, number>();
  const rejected = new Map<string, number>();
  const slot = <K>(map: Map<K, Tally>, key: K) => {
    let t = map.get(key);
    if (!t) map.set(key, (t = tally()));
    return t;
  };

  const onlyOperations = { ...options.filter, operations: [] };
  if (isEmptyFilter(onlyOperations)) {
    const ops = options.filter.operations;
    const opCondition = ops.length > 0 ? ` AND operation IN (${ops.map(() => '?').join(', ')})` : '';
    const rows = db
      .prepare(`SELECT minute, operation, count, errors, s2xx, s3xx, s4xx, s5xx, hist FROM traffic_minutes WHERE minute >= ? AND minute < ?${opCondition}`)
      .all(from, to, ...ops) as { minute: number; operation: string; count: number; errors: number; s2xx: number; s3xx: number; s4xx: number; s5xx: number; hist: Buffer }[];
    for (const r of rows) {
      const hist: Histogram = new Map();
      decodeInto(hist, r.hist);
      for (const t of [slot(buckets, r.minute - (r.minute % bucketMs)), slot(operations, r.operation), overall]) {
        t.count += r.count;
        t.errors += r.errors;
        t.s[0] += r.s2xx;
        t.s[1] += r.s3xx;
        t.s[2] += r.s4xx;
        t.s[3] += r.s5xx;
        merge(t.hist, hist);
      }
    }
    const names = db
      .prepare(`SELECT kind, name, sum(count) AS n FROM traffic_minute_names WHERE minute >= ? AND minute < ?${opCondition} GROUP BY kind, name`)
      .all(from, to, ...ops) as { kind: string; name: string; n: number }[];
    for (const n of names) (n.kind === 'consumer' ? consumers : rejected).set(n.name, n.n);
  } else {
    const { where, params } = filterCondition(db, options.filter);
    const rows = db
      .prepare(
        `SELECT e.started_at, e.method, e.route, e.operation_id, e.mode, e.status, e.duration_ms, e.consumer, e.policy_id, e.policy_name, e.error
         FROM exchanges e WHERE e.started_at >= ? AND e.started_at < ? AND ${where}`,
      )
      .all(from, to, ...params) as Record<string, unknown>[];
    for (const raw of rows) {
      const e = countable(raw);
      for (const t of [slot(buckets, e.startedAt - (e.startedAt % bucketMs)), slot(operations, operationLabel(e)), overall]) add(t, e);
      countNames(e, consumers, rejected);
    }
  }

  const series: Bucket[] = [];
  for (let t = from; t < to; t += bucketMs) {
    const b = buckets.get(t) ?? tally();
    series.push({ t, count: b.count, errors: b.errors, s2xx: b.s[0], s3xx: b.s[1], s4xx: b.s[2], s5xx: b.s[3], ...percentiles(b.hist) });
  }
  const top = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, 10);
  return {
    from,
    to,
    bucketMs,
    total: overall.count,
    errors: overall.errors,
    ...percentiles(overall.hist),
    buckets: series,
    operations: [...operations]
      .map(([operation, t]) => ({ operation, count: t.count, errors: t.errors, ...percentiles(t.hist) }))
      .sort((a, b) => (b.p95 ?? 0) - (a.p95 ?? 0)),
    consumers: top(consumers).map(([consumer, count]) => ({ consumer, count })),
    rejectedBy: top(rejected).map(([policy, count]) => ({ policy, count })),
  };
}

function add(t: Tally, e: Countable): void {
  t.count++;
  if (e.status >= 500 || e.error !== undefined) t.errors++;
  const cls = Math.floor(e.status / 100) - 2;
  if (cls >= 0 && cls < 4) t.s[cls]!++;
  record(t.hist, e.durationMs);
}

function countNames(e: Countable, consumers: Map<string, number>, rejected: Map<string, number>): void {
  if (e.consumer) consumers.set(e.consumer, (consumers.get(e.consumer) ?? 0) + 1);
  if (e.mode === 'rejected' && e.policy) {
    const label = rejectedByLabel(e.policy);
    rejected.set(label, (rejected.get(label) ?? 0) + 1);
  }
}
