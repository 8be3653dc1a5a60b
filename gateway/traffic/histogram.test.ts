import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode, merge, percentiles, quantile, record, type Histogram } from './histogram.js';

describe('latency histogram', () => {
  it('reads percentiles back within 4 % of the exact values', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 0.05 * 1.0009 ** i); // 0.05 ms .. ~400 ms
    const h: Histogram = new Map();
    for (const v of values) record(h, v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      const got = quantile(h, q)!;
      assert.ok(Math.abs(got - exact) / exact < 0.04, `q${q}: ${got} vs ${exact}`);
    }
    const p = percentiles(h);
    assert.equal(p.p50, quantile(h, 0.5));
    assert.equal(p.p99, quantile(h, 0.99));
  });

  it('merges and survives its binary encoding', () => {
    const a: Histogram = new Map();
    const b: Histogram = new Map();
    for (let i = 0; i < 100; i++) record(a, 1);
    for (let i = 0; i < 100; i++) record(b, 100);
    const decoded = decode(encode(a));
    assert.deepEqual([...decoded], [...a]);
    merge(decoded, b);
    assert.ok(Math.abs(quantile(decoded, 0.25)! - 1) < 0.05);
    assert.ok(Math.abs(quantile(decoded, 0.75)! - 100) < 5);
  });

  it('has no percentiles when empty', () => {
    assert.deepEqual(percentiles(new Map()), { p50: null, p95: null, p99: null });
  });
});
