/**
 * Latency histograms with logarithmic buckets (each 8 % wider than the last, from 0.01 ms to ~10 min), so that
 * p50/p95/p99 over any time range come from merging per-minute histograms instead of sorting raw rows.
 * A percentile read back is within ±4 % of the exact value. Stored sparse: pairs of (bucket, count) as Uint32.
 */

const BASE_MS = 0.01;
const GROWTH = 1.08;
const LOG_GROWTH = Math.log(GROWTH);
export const BUCKETS = 240;

export type Histogram = Map<number, number>;

export function bucketOf(ms: number): number {
  if (!(ms > BASE_MS)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms / BASE_MS) / LOG_GROWTH));
}

/** The bucket's representative value: the geometric middle of its bounds. */
export function valueOf(bucket: number): number {
  if (bucket <= 0) return BASE_MS;
  return BASE_MS * GROWTH ** (bucket - 0.5);
}

export function record(histogram: Histogram, ms: number, count = 1): void {
  const bucket = bucketOf(ms);
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + count);
}

export function merge(into: Histogram, from: Histogram): void {
  for (const [bucket, count] of from) into.set(bucket, (into.get(bucket) ?? 0) + count);
}

/** `q` in [0, 1]; null for an empty histogram. */
export function quantile(histogram: Histogram, q: number): number | null {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return round(valueOf(bucket));
  }
  return null;
}

/** p50, p95, p99 in one pass over the sorted buckets. */
export function percentiles(histogram: Histogram): { p50: number | null; p95: number | null; p99: number | null } {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return { p50: null, p95: null, p99: null };
  const targets = [0.5, 0.95, 0.99].map((q) => Math.max(1, Math.ceil(q * total)));
  const found: (number | null)[] = [null, null, null];
  let seen = 0;
  let next = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    while (next < 3 && seen >= targets[next]!) found[next++] = round(valueOf(bucket));
    if (next === 3) break;
  }
  return { p50: found[0]!, p95: found[1]!, p99: found[2]! };
}

export function encode(histogram: Histogram): Buffer {
  const words = new Uint32Array(histogram.size * 2);
  let i = 0;
  for (const [bucket, count] of histogram) {
    words[i++] = bucket;
    words[i++] = count;
  }
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength);
}

export function decodeInto(into: Histogram, blob: Uint8Array): void {
  // Copy when unaligned: SQLite's buffers need not start on a 4-byte boundary.
  const bytes = blob.byteOffset % 4 === 0 ? blob : Uint8Array.from(blob);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
  for (let i = 0; i + 1 < words.length; i += 2) into.set(words[i]!, (into.get(words[i]!) ?? 0) + words[i + 1]!);
}

export function decode(blob: Uint8Array): Histogram {
  const histogram: Histogram = new Map();
  decodeInto(histogram, blob);
  return histogram;
}

function round(ms: number): number {
  return ms < 10 ? Math.round(ms * 100) / 100 : Math.round(ms * 10) / 10;
}
