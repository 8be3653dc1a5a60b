import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCount, formatMs, formatTime, splitUrl, statusClass } from './format.ts';

test('status classes colour the list', () => {
  assert.deepEqual([0, 101, 200, 304, 404, 503].map(statusClass), ['none', 'info', 'ok', 'redirect', 'client', 'server']);
});

test('sizes, durations and counts read at a glance', () => {
  assert.deepEqual([0, 1023, 1536, 10 * 1024 * 1024, 150 * 1024].map(formatBytes), ['0 B', '1023 B', '1.5 KB', '10.0 MB', '150 KB']);
  assert.equal(formatBytes(undefined), '');
  assert.deepEqual([0.42, 3.21, 42.4, 1234, 65_000].map(formatMs), ['0.42 ms', '3.2 ms', '42 ms', '1.23 s', '1 m 5 s']);
  assert.equal(formatMs(null), '–');
  assert.deepEqual([999, 12_345, 1_000_000].map(formatCount), ['999', '12.3k', '1.00M']);
});

test('times: today with milliseconds, older with the date', () => {
  const now = new Date(2026, 10, 26, 13, 0, 0);
  assert.equal(formatTime(new Date(2026, 10, 26, 9, 5, 7, 42).toISOString(), now), '09:05:07.042');
  assert.equal(formatTime(new Date(2026, 10, 25, 9, 5, 7).toISOString(), now), '2026-11-25 09:05:07');
  assert.deepEqual(splitUrl('/pets?limit=2'), { path: '/pets', query: '?limit=2' });
});
