import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTrafficDb, type Db } from './db.js';
import { FilterError } from './filter.js';
import { inspectorOps, type InspectorContext } from './inspector-ops.js';
import { openTrafficInspector } from './inspector-thread.js';
import { indexedUpTo, indexPending } from './maintenance.js';
import { openTrafficLog } from './writer.js';
import { json, sampleExchange } from './test-support/sample-exchange.js';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);
let dir: string;
let file: string;
let ctx: InspectorContext;

/** 600 exchanges over 10 minutes: statuses, operations, consumers, modes and bodies varied by index. */
function fill(): void {
  const log = openTrafficLog(file, { redact: { headers: ['x-secret-key'] } });
  for (let i = 0; i < 600; i++) {
    log.append(
      sampleExchange(i, {
        startedAt: T0 + i * 1000,
        operationId: i % 4 === 0 ? 'createPet' : 'getPet',
        status: i % 50 === 0 ? 503 : i % 7 === 0 ? 404 : 200,
        durationMs: i % 50 === 0 ? 900 : 2 + (i % 10),
        mode: i % 30 === 0 ? 'rejected' : i % 3 === 0 ? 'proxy' : 'mock',
        ...(i % 30 === 0 && { policy: { id: 'rate-limit', name: 'steady', reason: 'rate limit 100/1m by ip exceeded' } }),
        responseBody: i === 123 ? json({ error: 'upstream timeout while fetching owner' }) : json({ id: i, name: `pet ${i}` }),
      }),
    );
  }
  log.close();
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-inspector-'));
  file = join(dir, 'traffic.db');
  fill();
  ctx = { db: openTrafficDb(file), file, version: '0.0.0-test' };
});
after(() => {
  ctx.db.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

describe('traffic queries on a real log', () => {
  it('pages newest first with keyset pagination, and returns what arrived after an id', () => {
    const first = inspectorOps.query(ctx, { filter: '', limit: 5 });
    assert.deepEqual(ids(first), [600, 599, 598, 597, 596]);
    const next = inspectorOps.query(ctx, { filter: '', limit: 5, beforeId: 596 });
    assert.deepEqual(ids(next), [595, 594, 593, 592, 591]);
    assert.deepEqual(ids(inspectorOps.query(ctx, { filter: '', limit: 100, afterId: 597 })), [600, 599, 598]);
    assert.equal(first[0]!.responseSize! > 0, true);
  });

  it('combines filters with AND, and commas with OR', () => {
    const rows = inspectorOps.query(ctx, { filter: 'status:5xx op:createPet', limit: 1000 });
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.status >= 500 && r.operationId === 'createPet'));
    assert.deepEqual(ids(rows), ids(rows).filter((id) => (id - 1) % 50 === 0 && (id - 1) % 4 === 0));
    const either = inspectorOps.query(ctx, { filter: 'status:404,503', limit: 1000 });
    assert.ok(either.some((r) => r.status === 404) && either.some((r) => r.status === 503));
    assert.equal(inspectorOps.count(ctx, { filter: 'status:404,503' }).count, either.length);
    const slow = inspectorOps.query(ctx, { filter: 'slower:500ms', limit: 1000 });
    assert.deepEqual(ids(slow).sort((a, b) => a - b), [1, 51, 101, 151, 201, 251, 301, 351, 401, 451, 501, 551]);
    const rejected = inspectorOps.query(ctx, { filter: 'mode:rejected', limit: 1000 });
    assert.equal(rejected.length, 20);
    assert.equal(rejected[0]!.policy?.id, 'rate-limit');
    const recent = inspectorOps.query(ctx, { filter: 'since:1m', limit: 1000, now: T0 + 600_000 });
    assert.equal(recent.length, 60);
    assert.equal(inspectorOps.count(ctx, { filter: 'consumer:mobile-app' }).count, 300);
    assert.equal(inspectorOps.count(ctx, { filter: 'path:/pets/12' }).count, 11); // 12, 120-129
  });

  it('finds free text before and after the index catches up, with a snippet', () => {
    assert.equal(indexedUpTo(ctx.db), 0);
    const unindexed = inspectorOps.query(ctx, { filter: '"upstream timeout"', limit: 10 });
    assert.deepEqual(ids(unindexed), [124]);
    while (indexPending(ctx.db, 100) > 0);
    assert.equal(indexedUpTo(ctx.db), 600);
    assert.deepEqual(ids(inspectorOps.query(ctx, { filter: '"upstream timeout"', limit: 10 })), [124]);
    assert.deepEqual(ids(inspectorOps.query(ctx, { filter: 'fetch status:2xx', limit: 10 })), [124], 'a word prefix matches');
    assert.deepEqual(ids(inspectorOps.query(ctx, { filter: 'fetching status:5xx', limit: 10 })), []);
    // Headers are searched too: every sample response says `Keep-Alive: timeout=5`.
    assert.equal(inspectorOps.count(ctx, { filter: 'timeout' }).count, 600);
    const hits = inspectorOps.search(ctx, { text: 'upstream timeout', limit: 10 });
    assert.equal(hits.length, 1);
    assert.match(hits[0]!.snippet, /^response body: .*upstream timeout while fetching owner/);
    // FTS syntax in user text is only text.
    assert.deepEqual(inspectorOps.query(ctx, { filter: '"NEAR(a b)" OR', limit: 10 }), []);
  });

  it('reports a bad filter as a FilterError', () => {
    assert.throws(() => inspectorOps.query(ctx, { filter: 'status:9xx', limit: 10 }), FilterError);
  });

  it('gives the dashboard from per-minute aggregates, and the same figures from raw rows under a filter', () => {
    const stats = inspectorOps.stats(ctx, { from: T0, to: T0 + 600_000, filter: '' });
    assert.equal(stats.total, 600);
    assert.equal(stats.bucketMs, 60_000);
    assert.equal(stats.buckets.length, 10);
    assert.ok(stats.buckets.every((b) => b.count === 60));
    assert.equal(stats.errors, 12); // 503 every 50th
    assert.ok(Math.abs(stats.p99! - 900) / 900 < 0.05, `p99 ${stats.p99}`);
    assert.deepEqual(stats.operations.map((o) => o.operation).sort(), ['createPet', 'getPet']);
    assert.deepEqual(stats.consumers, [{ consumer: 'mobile-app', count: 300 }]);
    assert.deepEqual(stats.rejectedBy, [{ policy: 'rate-limit (steady)', count: 20 }]);
    const raw = inspectorOps.stats(ctx, { from: T0, to: T0 + 600_000, filter: 'method:GET,POST' });
    assert.equal(raw.total, stats.total);
    assert.deepEqual(raw.buckets.map((b) => [b.count, b.s2xx, b.s4xx, b.s5xx, b.p50, b.p99]), stats.buckets.map((b) => [b.count, b.s2xx, b.s4xx, b.s5xx, b.p50, b.p99]));
    const op = inspectorOps.stats(ctx, { from: T0, to: T0 + 600_000, filter: 'op:createPet' });
    assert.equal(op.total, 150);
    assert.deepEqual(op.operations.map((o) => o.operation), ['createPet']);
    assert.deepEqual(op.consumers, [{ consumer: 'mobile-app', count: 150 }], 'names per operation come from the aggregates too');
    assert.deepEqual(op.rejectedBy, [{ policy: 'rate-limit (steady)', count: 10 }]);
  });

  it('shows one exchange with header pairs, base64 bodies and redacted secrets', () => {
    const detail = inspectorOps.get(ctx, { id: 124 })!;
    assert.equal(detail.url, '/pets/123?expand=owner&limit=20');
    assert.deepEqual(detail.requestHeaders.find(([n]) => n === 'Authorization'), ['Authorization', '[REDACTED]']);
    assert.match(Buffer.from(detail.responseBody!.base64, 'base64').toString(), /upstream timeout/);
    assert.equal(detail.responseBody!.truncated, false);
    assert.equal(inspectorOps.get(ctx, { id: 99_999 }), null);
  });

  it('exports HAR 1.2 and imports it back as new, marked exchanges', () => {
    const { har, count } = inspectorOps.export(ctx, { ids: [124, 2], filter: '', limit: 10 });
    assert.equal(count, 2);
    assert.equal(har.log.version, '1.2');
    const entry = har.log.entries[0]!;
    assert.equal(entry.request.url, 'http://localhost:8080/pets/123?expand=owner&limit=20');
    assert.deepEqual(entry.request.queryString, [{ name: 'expand', value: 'owner' }, { name: 'limit', value: '20' }]);
    assert.equal(entry.response.content.mimeType, 'application/json; charset=utf-8');
    assert.match(entry.response.content.text!, /upstream timeout/);
    assert.equal(entry._portico?.operationId, 'getPet');
    assert.ok(!JSON.stringify(har).includes('eyJhbGciOiJIUzI1NiJ9'), 'the bearer token stays redacted');

    const before = inspectorOps.info(ctx).count;
    const result = inspectorOps.import(ctx, { har: { log: { ...har.log, entries: [...har.log.entries, { junk: true }] } }, origin: 'import: test.har' });
    assert.deepEqual({ imported: result.imported, skipped: result.skipped }, { imported: 2, skipped: 1 });
    assert.equal(inspectorOps.info(ctx).count, before + 2);
    const imported = inspectorOps.get(ctx, { id: before + 1 })!;
    assert.equal(imported.origin, 'import: test.har');
    assert.equal(imported.operationId, 'getPet');
    assert.match(Buffer.from(imported.responseBody!.base64, 'base64').toString(), /upstream timeout/);
    assert.throws(() => inspectorOps.import(ctx, { har: { nope: 1 }, origin: 'x' }), /not a HAR file/);
  });

  it('applies retention by count and by age, shrinking the file', () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'portico-retention-'));
    const f = join(dir2, 'traffic.db');
    const log = openTrafficLog(f);
    for (let i = 0; i < 3000; i++) log.append(sampleExchange(i, { startedAt: T0 + i * 1000, responseBody: json({ padding: 'x'.repeat(2000) }) }));
    log.close();
    const c: InspectorContext = { db: openTrafficDb(f), file: f, version: 'test' };
    try {
      while (indexPending(c.db) > 0);
      const big = inspectorOps.info(c).sizeBytes;
      const kept = inspectorOps.retention(c, { maxCount: 500, now: T0 });
      assert.equal(kept.count, 500);
      assert.equal(kept.deleted, 2500);
      assert.deepEqual(kept.retention, { maxCount: 500 });
      assert.ok(kept.sizeBytes < big / 2, `file shrank: ${big} → ${kept.sizeBytes}`);
      assert.equal(ids(inspectorOps.query(c, { filter: '', limit: 1 }))[0], 3000);
      // By age: 3000 s of traffic, keep the last 0.1 h (360 s).
      const aged = inspectorOps.retention(c, { maxAgeHours: 0.1, now: T0 + 3000 * 1000 });
      assert.equal(aged.count, 360);
      assert.equal(inspectorOps.count(c, { filter: 'padding' }).count, 360, 'the full-text index lost the deleted rows');
      assert.equal(inspectorOps.clear(c).deleted, 360);
      assert.equal(inspectorOps.info(c).count, 0);
      assert.equal(inspectorOps.stats(c, { from: T0, to: T0 + 3_600_000, filter: '' }).total, 0);
    } finally {
      c.db.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('runs the same operations on the inspector thread, rejecting bad filters as FilterError', async () => {
    const inspector = await openTrafficInspector({ file, version: 'test' });
    try {
      const rows = await inspector.run('query', { filter: 'status:503', limit: 3 });
      assert.equal(rows.length, 3);
      await assert.rejects(inspector.run('query', { filter: 'nope:1', limit: 3 }), FilterError);
      assert.ok((await inspector.run('info')).count >= 600);
    } finally {
      await inspector.close();
    }
  });
});

export type { Db };
