import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { getExchange, latestExchanges, openTrafficReader } from './queries.js';
import { openTrafficLog } from './writer.js';
import { json, sampleExchange } from './test-support/sample-exchange.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-queries-'));
  file = join(dir, 'traffic.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fill(n: number): void {
  const log = openTrafficLog(file);
  for (let i = 0; i < n; i++) log.append(sampleExchange(i));
  log.close();
}

describe('latestExchanges', () => {
  it('pages newest first by id', () => {
    fill(25);
    const reader = openTrafficReader(file);
    const first = latestExchanges(reader.db, { limit: 10 });
    assert.deepEqual(first.map((r) => r.id), [25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    const second = reader.latest({ limit: 10, beforeId: first.at(-1)?.id });
    assert.deepEqual(second.map((r) => r.id), [15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    const last = reader.latest({ limit: 10, beforeId: 6 });
    assert.deepEqual(last.map((r) => r.id), [5, 4, 3, 2, 1]);
    assert.deepEqual(reader.latest({ limit: 10, beforeId: 1 }), []);
    reader.close();
  });

  it('returns the list fields, ISO start times and the policy', () => {
    const log = openTrafficLog(file);
    log.append(
      sampleExchange(0, {
        startedAt: Date.UTC(2025, 4, 6, 7, 8, 9, 123),
        status: 401,
        mode: 'rejected',
        consumer: undefined,
        policy: { id: 'api-key', name: 'keys', reason: 'missing key' },
      }),
    );
    log.append(sampleExchange(1, { consumer: 'web', route: undefined, operationId: undefined }));
    log.close();
    const reader = openTrafficReader(file);
    const [newest, oldest] = reader.latest({ limit: 5 });
    assert.deepEqual(oldest, {
      id: 1,
      startedAt: '2025-05-06T07:08:09.123Z',
      method: 'POST',
      url: '/pets/0?expand=owner&limit=20',
      route: '/pets/{id}',
      operationId: 'getPet',
      mode: 'rejected',
      status: 401,
      durationMs: 3.25,
      responseSize: 92,
      policy: { id: 'api-key', name: 'keys', reason: 'missing key' },
    });
    assert.equal(newest?.consumer, 'web');
    assert.equal('route' in (newest ?? {}), false, 'no undefined fields');
    assert.equal('policy' in (newest ?? {}), false);
    reader.close();
  });

  it('clamps the limit to 1..1000', () => {
    fill(3);
    const reader = openTrafficReader(file);
    assert.equal(reader.latest({ limit: 0 }).length, 1);
    assert.equal(reader.latest({ limit: 5000 }).length, 3);
    reader.close();
  });
});

describe('getExchange', () => {
  it('returns the whole exchange, bodies and headers included', () => {
    const exchange = sampleExchange(6, { error: 'upstream reset', requestBody: json({ a: 1 }) });
    const log = openTrafficLog(file);
    log.append(exchange);
    log.append(sampleExchange(7, { requestBody: undefined, responseBody: undefined, upstreamMs: undefined }));
    log.close();
    const reader = openTrafficReader(file);
    const got = getExchange(reader.db, 1);
    assert.ok(got);
    assert.equal(got.rawUrl, exchange.rawUrl);
    assert.equal(got.gatewayMs, exchange.gatewayMs);
    assert.equal(got.upstreamMs, exchange.upstreamMs);
    assert.equal(got.clientAddress, '127.0.0.1');
    assert.equal(got.upstream, 'petstore');
    assert.equal(got.error, 'upstream reset');
    assert.deepEqual(got.responseHeaders, exchange.responseHeaders);
    assert.equal(got.requestHeaders.length, exchange.requestHeaders.length);
    assert.deepEqual(got.requestBody, exchange.requestBody);
    assert.deepEqual(got.responseBody, exchange.responseBody);
    const bare = reader.get(2);
    assert.ok(bare);
    assert.equal('requestBody' in bare, false);
    assert.equal('responseBody' in bare, false);
    assert.equal('upstreamMs' in bare, false);
    assert.equal(reader.get(3), undefined);
    reader.close();
  });
});

describe('openTrafficReader', () => {
  it('reads while a writer writes, and sees each commit', () => {
    const log = openTrafficLog(file, { batchMs: 60_000 });
    const reader = openTrafficReader(file);
    assert.deepEqual(reader.latest({ limit: 10 }), []);
    log.append(sampleExchange(1));
    assert.deepEqual(reader.latest({ limit: 10 }), [], 'not before the commit');
    log.flush();
    assert.deepEqual(reader.latest({ limit: 10 }).map((r) => r.id), [1]);
    log.append(sampleExchange(2));
    log.close();
    assert.deepEqual(reader.latest({ limit: 10 }).map((r) => r.id), [2, 1]);
    reader.close();
  });

  it('cannot write', () => {
    fill(1);
    const reader = openTrafficReader(file);
    assert.throws(() => reader.db.exec('DELETE FROM exchanges'), /readonly/);
    reader.close();
  });

  it('explains a missing file or one that is not a traffic log', () => {
    assert.throws(() => openTrafficReader(join(dir, 'none.db')), /no traffic log at/);
    const other = join(dir, 'other.db');
    new Database(other).close();
    assert.throws(() => openTrafficReader(other), /not a traffic log/);
  });
});
