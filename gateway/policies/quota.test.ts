import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQuotaStore, periodBounds } from '../consumers/quota-store.js';
import { MemoryCounters } from '../pipeline/counters.js';
import quota from './quota.js';
import rateLimit from './rate-limit.js';
import { asReply, configError, contextFor, NEXT, requestHandlerOf } from './test-support/harness.js';

const as = (consumer: string | undefined, headers: Record<string, string> = {}) => {
  const ctx = contextFor({ headers });
  ctx.consumer = consumer;
  return ctx;
};

test('quota: per consumer per day; 429 with Retry-After until midnight UTC and the reset time; the next day starts again', () => {
  let now = Date.UTC(2026, 10, 26, 23, 0, 0);
  const handle = requestHandlerOf(quota, { limit: 2, period: 'day' }, { now: () => now });
  assert.equal(handle(as('alice')), NEXT);
  assert.equal(handle(as('alice')), NEXT);
  assert.equal(handle(as('bob')), NEXT);
  const refused = asReply(handle(as('alice')));
  assert.equal(refused.status, 429);
  assert.equal(refused.headers?.['retry-after'], '3600');
  assert.equal(JSON.parse(String(refused.body)).resetsAt, '2026-11-27T00:00:00.000Z');
  assert.match(refused.reason, /quota 2\/day by consumer exceeded for consumer:alice/);
  now += 3_600_000;
  assert.equal(handle(as('alice')), NEXT);
});

test('quota store: counts survive closing and reopening (a restart), per period; months end on the 1st', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-quota-'));
  try {
    const now = Date.UTC(2026, 1, 10, 12);
    let store = openQuotaStore(dir);
    assert.equal(store.hit('q|consumer:alice', 'month', now).count, 1);
    assert.equal(store.hit('q|consumer:alice', 'month', now).count, 2);
    store.close();
    store = openQuotaStore(dir);
    const third = store.hit('q|consumer:alice', 'month', now);
    assert.equal(third.count, 3);
    assert.equal(third.resetAt, Date.UTC(2026, 2, 1));
    assert.equal(store.hit('q|consumer:alice', 'month', Date.UTC(2026, 2, 1)).count, 1, 'a new month');
    store.close();
    assert.deepEqual(periodBounds('day', Date.UTC(2026, 0, 31, 23, 59)), { start: Date.UTC(2026, 0, 31), end: Date.UTC(2026, 1, 1) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rate-limit sliding-window: no double burst across a window boundary', () => {
  let now = 60_000 * 100 + 50_000; // 50 s into a 1-minute window
  const services = { counters: new MemoryCounters(), now: () => now };
  const sliding = requestHandlerOf(rateLimit, { limit: 10, window: '1m', algorithm: 'sliding-window' }, services);
  for (let i = 0; i < 10; i++) assert.equal(sliding(contextFor()), NEXT);
  now += 15_000; // 5 s into the next window: 55/60 of the previous one still overlaps (≈ 9 requests)
  assert.equal(sliding(contextFor()), NEXT);
  assert.equal(asReply(sliding(contextFor())).status, 429, 'a fixed window would let 10 through here');
  now += 50_000; // 55 s in: 5/60 of the previous window overlaps (≈ 0 requests)
  assert.equal(sliding(contextFor()), NEXT);

  let fixedNow = 60_000 * 100 + 50_000;
  const fixed = requestHandlerOf(rateLimit, { limit: 10, window: '1m' }, { counters: new MemoryCounters(), now: () => fixedNow });
  for (let i = 0; i < 10; i++) fixed(contextFor());
  fixedNow += 15_000;
  assert.equal(fixed(contextFor()), NEXT, 'the fixed window resets at the boundary');
});

test('rate-limit by header:<name>: each value counted apart; requests without it by address', () => {
  const handle = requestHandlerOf(rateLimit, { limit: 1, window: '1m', by: 'header:X-Tenant' });
  assert.equal(handle(as(undefined, { 'x-tenant': 'a' })), NEXT);
  assert.equal(handle(as(undefined, { 'x-tenant': 'b' })), NEXT);
  assert.notEqual(handle(as(undefined, { 'x-tenant': 'a' })), NEXT);
  assert.equal(handle(as(undefined)), NEXT);
  assert.notEqual(handle(as(undefined)), NEXT);
  assert.match(configError(rateLimit, { limit: 1, window: '1m', by: 'cookie:x' }), /^by: /);
});
